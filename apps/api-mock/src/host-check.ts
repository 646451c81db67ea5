/**
 * The `Host` check against DNS rebinding (issue 15 item 7). The mock has no authentication of its own on
 * `/_mock/` (and none on the vendor APIs with `--auth off`), and loopback is not a boundary for a browser: a page
 * on evil.example whose name is re-resolved to 127.0.0.1 reads and drives the mock as its own origin. Its
 * requests still carry `Host: evil.example`, so on loopback the mock answers only the names it listens under,
 * plus `--allowed-hosts`. Off loopback the check applies only when `--allowed-hosts` is given: such a mock is
 * reached by names it cannot know. `/healthz` is never checked: it answers nothing worth reading.
 *
 * It runs on node:http before Hono (server.ts), so one check covers every route.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];
const WILDCARD_ADDRESSES = new Set(["0.0.0.0", "[::]"]);

/**
 * The name of a `Host` header value (or of an `--allowed-hosts` entry), lower-cased, without port and trailing
 * dot; IPv6 literals keep their brackets (a bare IPv6 address is bracketed). Undefined when it is not a host name.
 */
export function hostName(value: string): string | undefined {
  const text = value.trim().toLowerCase();
  if (!text.startsWith("[") && /^[0-9a-f:.]+$/.test(text) && text.split(":").length > 2) return `[${text}]`;
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::\d{1,5})?$/.exec(text);
  const name = m?.[1]?.replace(/\.$/, "");
  return name === undefined || name === "" ? undefined : name;
}

const isLoopback = (name: string): boolean => LOOPBACK_NAMES.includes(name) || /^127\.\d+\.\d+\.\d+$/.test(name);

/**
 * Returns a handler that answers a request whose Host is refused (403, and true) and returns false for every
 * other request.
 */
export function hostGuard(opts: {
  listenHost: string;
  allowedHosts: readonly string[];
}): (req: IncomingMessage, res: ServerResponse) => boolean {
  const listen = hostName(opts.listenHost);
  const checks = opts.allowedHosts.length > 0 || (listen !== undefined && isLoopback(listen));
  if (!checks) return () => false;
  const names = new Set(LOOPBACK_NAMES);
  if (listen !== undefined && !WILDCARD_ADDRESSES.has(listen)) names.add(listen);
  for (const entry of opts.allowedHosts) {
    const name = hostName(entry);
    if (name !== undefined) names.add(name);
  }
  const body = JSON.stringify({
    error: "host_not_allowed",
    message: "the Host header is not a name this mock listens under; see --allowed-hosts",
  });
  return (req, res) => {
    const host = req.headers.host;
    // A request without Host is not from a browser (every browser sends one), so it cannot be a rebound page.
    if (host === undefined) return false;
    const name = hostName(host);
    if (name !== undefined && names.has(name)) return false;
    const url = req.url ?? "";
    if (url === "/healthz" || url.startsWith("/healthz?")) return false;
    // The body, if any, is never read: close instead of letting node:http read it to reuse the connection.
    res.writeHead(403, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "x-content-type-options": "nosniff",
      connection: "close",
    });
    res.end(body);
    return true;
  };
}
