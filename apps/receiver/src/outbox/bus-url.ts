/**
 * Message bus targets are given as URLs (README "Publishing to a message bus"):
 *   nats://[user:pass@]host[:port][?stream=LIVEHOOK&prefix=livehook]
 *   amqp[s]://[user:pass@]host[:port][/vhost][?exchange=livehook]
 * The query names where events go; everything else is the broker's own connection URL. Parsed when the
 * configuration is loaded, so a mistake stops the receiver at start instead of failing every delivery.
 */

export type BusUrl =
  | {
      kind: "nats";
      servers: string;
      /** `nats://user:pass@host`, or `nats://token@host` for token authentication. */
      user?: string;
      pass?: string;
      token?: string;
      stream: string;
      prefix: string;
    }
  | { kind: "amqp"; url: string; exchange: string };

export const DEFAULT_NATS_STREAM = "LIVEHOOK";
export const DEFAULT_SUBJECT_PREFIX = "livehook";
export const DEFAULT_EXCHANGE = "livehook";

/** JetStream stream names may not hold `.`, `*`, `>`, path separators or whitespace. */
const STREAM_NAME = /^[A-Za-z0-9_-]{1,255}$/;
/** One or more subject tokens, without wildcards. */
const SUBJECT_PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const EXCHANGE_NAME = /^[A-Za-z0-9_.:-]{1,255}$/;

const only = (url: URL, names: readonly string[]) => {
  for (const name of url.searchParams.keys()) {
    if (!names.includes(name)) throw new Error(`unknown query parameter "${name}" (known: ${names.join(", ")})`);
  }
};

/** Parses a message bus URL, or throws an Error saying what is wrong (never echoing a credential). */
export function parseBusUrl(text: string): BusUrl {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error("not a URL (nats://host:4222 or amqp://host:5672)");
  }
  if (url.protocol === "nats:") {
    only(url, ["stream", "prefix"]);
    const stream = url.searchParams.get("stream") ?? DEFAULT_NATS_STREAM;
    const prefix = url.searchParams.get("prefix") ?? DEFAULT_SUBJECT_PREFIX;
    if (!STREAM_NAME.test(stream)) throw new Error("stream: letters, digits, _ and - only");
    if (!SUBJECT_PREFIX.test(prefix))
      throw new Error("prefix: subject tokens of letters, digits, _ and -, joined by .");
    if (url.pathname !== "" && url.pathname !== "/") throw new Error("a nats:// URL has no path");
    return {
      kind: "nats",
      servers: `${url.hostname}:${url.port === "" ? "4222" : url.port}`,
      ...(url.username !== "" && url.password === "" ? { token: decodeURIComponent(url.username) } : {}),
      ...(url.password === ""
        ? {}
        : { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }),
      stream,
      prefix,
    };
  }
  if (url.protocol === "amqp:" || url.protocol === "amqps:") {
    only(url, ["exchange"]);
    const exchange = url.searchParams.get("exchange") ?? DEFAULT_EXCHANGE;
    if (!EXCHANGE_NAME.test(exchange)) throw new Error("exchange: letters, digits, _ . : and - only");
    const connection = new URL(url);
    connection.search = "";
    return { kind: "amqp", url: connection.toString(), exchange };
  }
  throw new Error("must start with nats://, amqp:// or amqps://");
}
