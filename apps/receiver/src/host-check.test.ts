/**
 * DNS rebinding (issue 15 item 7): a page on evil.example re-resolved to 127.0.0.1 sends `Host: evil.example`.
 * The unit rules first, then the attacking bytes on a real socket.
 */
import type { Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { huaweiLiveEvent, makeReceiver, openTestStore, post, STORE_KINDS, signedHuaweiLive } from "../test/helpers.js";
import { hostCheck, hostName } from "./host-check.js";

test("hostName: lower-cased name without port or trailing dot; IPv6 literals bracketed", () => {
  expect(hostName("LocalHost:4020")).toBe("localhost");
  expect(hostName("127.0.0.1")).toBe("127.0.0.1");
  expect(hostName("[::1]:4020")).toBe("[::1]");
  expect(hostName("::1")).toBe("[::1]");
  expect(hostName("hooks.example.com.")).toBe("hooks.example.com");
  for (const bad of ["", ":4020", "a b", "http://x/", "x/y", "[::1", "evil.example@127.0.0.1", "x:port"]) {
    expect(hostName(bad)).toBeUndefined();
  }
});

describe("hostCheck", () => {
  const loopbackNoToken = hostCheck({ listenHost: "127.0.0.1", allowedHosts: [], adminToken: undefined });

  test("on loopback without a token: the API is answered only under the listening names, any port", () => {
    for (const host of ["127.0.0.1:4020", "localhost:4020", "localhost", "[::1]:4020", "LOCALHOST:1"]) {
      expect(loopbackNoToken.allowsRequest("/api/events", host)).toBe(true);
    }
    for (const host of ["evil.example", "evil.example:4020", "127.0.0.1.evil.example", "localhost.evil.example"]) {
      expect(loopbackNoToken.allowsRequest("/api/events", host)).toBe(false);
      expect(loopbackNoToken.allowsRequest("/", host)).toBe(false);
      expect(loopbackNoToken.allowsRequest("/metrics", host)).toBe(false);
      expect(loopbackNoToken.allowsRequest("/no-such-path", host)).toBe(false);
    }
    // Not from a browser, so not a rebound page.
    expect(loopbackNoToken.allowsRequest("/api/events", undefined)).toBe(true);
  });

  test("callbacks and health probes are not checked unless allowed hosts are configured", () => {
    expect(loopbackNoToken.allowsRequest("/hooks/huawei-live", "hooks.example.com")).toBe(true);
    expect(loopbackNoToken.allowsCallback("hooks.example.com")).toBe(true);
    expect(loopbackNoToken.allowsRequest("/healthz", "evil.example")).toBe(true);
    expect(loopbackNoToken.allowsRequest("/readyz", "evil.example")).toBe(true);

    const configured = hostCheck({ listenHost: "127.0.0.1", allowedHosts: ["hooks.example.com"], adminToken: "t" });
    expect(configured.allowsCallback("hooks.example.com:443")).toBe(true);
    expect(configured.allowsCallback("127.0.0.1:4020")).toBe(true);
    expect(configured.allowsCallback("evil.example")).toBe(false);
    // With allowed hosts the API is checked even with a token.
    expect(configured.allowsRequest("/api/events", "evil.example")).toBe(false);
    expect(configured.allowsRequest("/api/events", "hooks.example.com")).toBe(true);
  });

  test("the bound address counts as a listening name; a wildcard address does not make every name one", () => {
    const bound = hostCheck({ listenHost: "127.0.0.2", allowedHosts: [], adminToken: undefined });
    expect(bound.allowsRequest("/api/events", "127.0.0.2:4020")).toBe(true);
    const wildcard = hostCheck({ listenHost: "0.0.0.0", allowedHosts: ["box.internal"], adminToken: "t" });
    expect(wildcard.allowsRequest("/api/events", "0.0.0.0")).toBe(false);
    expect(wildcard.allowsRequest("/api/events", "box.internal:4020")).toBe(true);
  });

  test("with an admin token and no allowed hosts nothing is checked: a rebound page cannot send the token", () => {
    const tokened = hostCheck({ listenHost: "0.0.0.0", allowedHosts: [], adminToken: "0123456789abcdef" });
    expect(tokened.allowsRequest("/api/events", "receiver.example.com")).toBe(true);
    expect(tokened.allowsCallback("receiver.example.com")).toBe(true);
  });
});

describe("the app", () => {
  test("a refused Host gets 403 host_not_allowed on the API, inspector, metrics and event stream", async () => {
    const { app } = await makeReceiver();
    for (const path of ["/api/events", "/", "/metrics", "/api/events/stream", "/api/rejections", "/nothing"]) {
      const res = await app.request(path, { headers: { host: "evil.example:4020" } });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: "host_not_allowed" });
    }
    expect((await app.request("/api/events", { headers: { host: "127.0.0.1:4020" } })).status).toBe(200);
    expect((await app.request("/healthz", { headers: { host: "evil.example" } })).status).toBe(200);
  });

  test("callbacks keep working under a public name by default", async () => {
    const { app } = await makeReceiver();
    const res = await post(app, "/hooks/huawei-live", signedHuaweiLive(huaweiLiveEvent()), {
      "content-type": "application/json",
      host: "hooks.example.com",
    });
    expect(res.status).toBe(200);
  });

  test("the inspector is sent with a CSP allowing only its own inline script and style, nosniff and no framing", async () => {
    const { app } = await makeReceiver();
    const res = await app.request("/", { headers: { host: "127.0.0.1:4020" } });
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/]+=*'(;|$)/);
    expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+=*'(;|$)/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect((await app.request("/api/events")).headers.get("x-content-type-options")).toBe("nosniff");
  });
});

/** One raw HTTP/1.1 request on a fresh socket; the reply's status line and body. */
function rawRequest(server: Server, request: string): Promise<{ status: number; body: string }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let text = "";
    socket.on("data", (d: Buffer) => {
      text += d.toString();
    });
    socket.on("error", reject);
    socket.on("end", () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
      resolve({ status, body: text.slice(text.indexOf("\r\n\r\n") + 4) });
    });
  });
}

describe.each(STORE_KINDS)("DNS rebinding over a real socket, $kind store", ({ kind }) => {
  let cleanup: () => Promise<void>;
  let loopback: Server;
  let configured: Server;
  let configuredReceiver: Awaited<ReturnType<typeof makeReceiver>>;

  beforeAll(async () => {
    const opened = await openTestStore(kind);
    cleanup = opened.cleanup;
    loopback = (await makeReceiver({ store: opened.store })).server;
    configuredReceiver = await makeReceiver({
      store: opened.store,
      config: { allowedHosts: ["hooks.example.com"], adminToken: "0123456789abcdef-token" },
    });
    configured = configuredReceiver.server;
  });
  afterAll(async () => {
    await configuredReceiver.deps.committer.drain();
    await cleanup();
  });

  test("Host: evil.example is refused on the API and the inspector; the listening name is served", async () => {
    for (const path of ["/api/events", "/", "/metrics"]) {
      const refused = await rawRequest(
        loopback,
        `GET ${path} HTTP/1.1\r\nHost: evil.example:4020\r\nConnection: close\r\n\r\n`,
      );
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body)).toMatchObject({ error: "host_not_allowed" });
    }
    const { port } = loopback.address() as AddressInfo;
    const served = await rawRequest(
      loopback,
      `GET /api/events HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: close\r\n\r\n`,
    );
    expect(served.status).toBe(200);
  });

  test("with allowed hosts, a callback under another name is refused 403 and recorded", async () => {
    const body = signedHuaweiLive(huaweiLiveEvent({ job_id: `host-${kind}` }));
    const callback = (host: string) =>
      rawRequest(
        configured,
        `POST /hooks/huawei-live HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    const refused = await callback("evil.example");
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({ error: "host_not_allowed" });
    expect((await callback("hooks.example.com")).status).toBe(200);
    await configuredReceiver.deps.committer.drain();
    const [rejection] = await configuredReceiver.store.listRejections({ vendor: "huawei-live", limit: 1 });
    expect(rejection).toMatchObject({ reason: "host_not_allowed", status: 403 });
    expect(rejection?.headers.host).toBe("evil.example");
    expect(configuredReceiver.deps.metrics.render()).toContain(
      'livehook_events_rejected_total{vendor="huawei-live",reason="host_not_allowed"} 1',
    );
  });
});
