/**
 * The `Host` check against DNS rebinding (issue 15 item 7). Loopback is not a security boundary in a browser: a
 * page on evil.example can have its name re-resolved to 127.0.0.1 and then read the receiver's API and inspector
 * as same-origin. The browser still sends `Host: evil.example`, so answering only the names the receiver listens
 * under closes that door.
 *
 * Which requests are checked:
 * - without an admin token (only possible on loopback, config.ts), everything except the callback endpoints and
 *   the health probes: the API, SSE, `/metrics`, the inspector, and unknown paths;
 * - with `allowedHosts` configured, everything except the health probes, callbacks included (the operator listed
 *   the public names vendors use);
 * - with an admin token and no `allowedHosts`, nothing: a rebound page cannot supply the token.
 * Callbacks are left alone by default because vendors POST them with the Host of the public callback URL, which
 * behind a reverse proxy is a name the receiver cannot know. The health probes answer nothing worth reading, and
 * orchestrators send them with whatever address they reach the process by.
 */

/** Names a receiver on loopback is reached by; the listening address itself is added to these. */
const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"];
const WILDCARD_ADDRESSES = new Set(["0.0.0.0", "::", "[::]"]);
const HEALTH_PATHS = new Set(["/healthz", "/readyz"]);

/**
 * The name of a `Host` header value (or of an `allowedHosts` entry), lower-cased, without port and trailing dot;
 * IPv6 literals keep their brackets (a bare IPv6 address is bracketed). Undefined when it is not a host name.
 */
export function hostName(value: string): string | undefined {
  const text = value.trim().toLowerCase();
  if (text.includes(":") && !text.startsWith("[") && /^[0-9a-f:.]+$/.test(text) && text.split(":").length > 2) {
    return `[${text}]`;
  }
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::\d{1,5})?$/.exec(text);
  const name = m?.[1]?.replace(/\.$/, "");
  return name === undefined || name === "" ? undefined : name;
}

export type HostCheck = {
  /**
   * For everything but the callback endpoints: true when a request to `path` with this Host header (undefined
   * when absent) may be answered. Callback paths are always true here; processCallback asks `allowsCallback`, so
   * a refused callback is counted and recorded like any other rejected attempt.
   */
  allowsRequest(path: string, host: string | undefined): boolean;
  /** False by default (only `allowedHosts` turns it on), so the hot path need not even read the Host header. */
  checksCallbacks: boolean;
  allowsCallback(host: string | undefined): boolean;
};

export function hostCheck(opts: {
  listenHost: string;
  allowedHosts: readonly string[];
  adminToken: string | undefined;
}): HostCheck {
  const names = new Set(LOOPBACK_NAMES);
  const listen = hostName(opts.listenHost);
  if (listen !== undefined && !WILDCARD_ADDRESSES.has(listen)) names.add(listen);
  for (const entry of opts.allowedHosts) {
    const name = hostName(entry);
    if (name !== undefined) names.add(name);
  }
  const checksHooks = opts.allowedHosts.length > 0;
  const checksAdmin = checksHooks || opts.adminToken === undefined;
  const known = (host: string | undefined) => {
    // A request without Host is not from a browser (every browser sends one), so it cannot be a rebound page.
    if (host === undefined) return true;
    const name = hostName(host);
    return name !== undefined && names.has(name);
  };
  return {
    allowsRequest: (path, host) => !checksAdmin || HEALTH_PATHS.has(path) || path.startsWith("/hooks/") || known(host),
    checksCallbacks: checksHooks,
    allowsCallback: checksHooks ? known : () => true,
  };
}

/** The reason of a refused Host (403): the rule is named in the README, the allowed names are never listed. */
export const HOST_NOT_ALLOWED = "host_not_allowed";
