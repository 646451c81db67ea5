/**
 * DNS rebinding (issue 15 item 7): a page on evil.example re-resolved to 127.0.0.1 sends `Host: evil.example`.
 * The attacking bytes go over a real socket to the mock served as main.ts serves it.
 */
import { createServer, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { afterEach, describe, expect, test } from "vitest";
import { testMock } from "../test/harness.js";
import { loadConfig } from "./config.js";
import { hostName } from "./host-check.js";
import { mockRequestListener } from "./server.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function served(listenHost: string, allowedHosts: string[] = []) {
  const m = testMock();
  const server = createServer(mockRequestListener(m, { listenHost, allowedHosts }));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { m, server };
}

/** One raw HTTP/1.1 request on a fresh socket; the reply's status and body. */
function send(server: Server, method: string, path: string, host: string, body = "") {
  const { port } = server.address() as AddressInfo;
  const request =
    `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(request));
    let text = "";
    socket.on("data", (d: Buffer) => {
      text += d.toString();
    });
    socket.on("error", reject);
    socket.on("end", () =>
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]),
        body: text.slice(text.indexOf("\r\n\r\n") + 4),
      }),
    );
  });
}

const CREATE = JSON.stringify({ publish_domain: "push.example.com", app: "live" });

test("hostName: lower-cased name without port or trailing dot; IPv6 literals bracketed", () => {
  expect(hostName("LocalHost:4010")).toBe("localhost");
  expect(hostName("[::1]:4010")).toBe("[::1]");
  expect(hostName("::1")).toBe("[::1]");
  expect(hostName("mock.internal.")).toBe("mock.internal");
  for (const bad of ["", ":4010", "a b", "http://x/", "evil.example@127.0.0.1"]) expect(hostName(bad)).toBeUndefined();
});

describe("on loopback", () => {
  test("Host: evil.example is refused on /_mock/ and on the vendor APIs ; nothing changes", async () => {
    const { m, server } = await served("127.0.0.1");
    const evil = "evil.example:4010";
    const attempts = [
      send(server, "GET", "/_mock/deliveries", evil),
      send(server, "POST", "/_mock/reset", evil),
      send(server, "PATCH", "/_mock/settings", evil, '{"throttling":{"enabled":true}}'),
      send(server, "POST", "/v1/p/record/callbacks", evil, CREATE),
      send(server, "GET", "/v1/p/record/callbacks", evil),
      send(server, "GET", "/v2/apps/5fcdf5651aaaaaa6f835d0d4/record-callback", evil),
      send(server, "GET", "/?Action=DescribeLiveRecordNotifyConfig&DomainName=x", evil),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ error: "host_not_allowed" });
    }
    expect(m.store.settings.throttling?.enabled ?? false).toBe(false);

    const { port } = server.address() as AddressInfo;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, "[::1]", "LOCALHOST"]) {
      expect((await send(server, "GET", "/v1/p/record/callbacks", host)).status).toBe(200);
    }
    expect((await send(server, "POST", "/v1/p/record/callbacks", `127.0.0.1:${port}`, CREATE)).status).toBe(201);
    expect((await send(server, "GET", "/healthz", evil)).status).toBe(200);
  });

  test("--allowed-hosts adds names", async () => {
    const { server } = await served("127.0.0.1", ["mock.internal"]);
    expect((await send(server, "GET", "/v1/p/record/callbacks", "mock.internal:4010")).status).toBe(200);
    expect((await send(server, "GET", "/v1/p/record/callbacks", "evil.example")).status).toBe(403);
  });
});

test("off loopback the check applies only with --allowed-hosts", async () => {
  const open = await served("0.0.0.0");
  expect((await send(open.server, "GET", "/v1/p/record/callbacks", "mock.example.com")).status).toBe(200);
  const listed = await served("0.0.0.0", ["mock.example.com"]);
  expect((await send(listed.server, "GET", "/v1/p/record/callbacks", "mock.example.com")).status).toBe(200);
  expect((await send(listed.server, "GET", "/v1/p/record/callbacks", "evil.example")).status).toBe(403);
});

test("config: --allowed-hosts over LIVEHOOK_MOCK_ALLOWED_HOSTS, none by default, bad names refused", () => {
  expect(loadConfig([], {}).allowedHosts).toEqual([]);
  expect(loadConfig([], { LIVEHOOK_MOCK_ALLOWED_HOSTS: "a.example, b.example" }).allowedHosts).toEqual([
    "a.example",
    "b.example",
  ]);
  expect(
    loadConfig(["--allowed-hosts", "c.example"], { LIVEHOOK_MOCK_ALLOWED_HOSTS: "a.example" }).allowedHosts,
  ).toEqual(["c.example"]);
  expect(() => loadConfig(["--allowed-hosts", "http://x/"], {})).toThrow(/host name/);
});
