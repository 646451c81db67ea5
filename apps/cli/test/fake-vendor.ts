/**
 * A tiny stand-in for the vendors' management APIs, for tests: it checks every request signature with core's
 * server-side verifiers and keeps just enough state to answer like the vendor (error bodies included).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyAliyunRpcRequest, verifyHuaweiApigRequest } from "@livehook/core";

export const AK = "TESTACCESSKEY";
export const SK = "test-secret-key";
export const PROJECT = "0123456789abcdef0123456789abcdef";

export type FakeVendor = { url: string; requests: string[]; close: () => Promise<void> };

export async function startFakeVendor(now: () => Date): Promise<FakeVendor> {
  const live = new Map<string, Record<string, unknown>>();
  const aliyun = new Map<string, Record<string, unknown>>();
  let rtc: Record<string, unknown> | undefined;
  const requests: string[] = [];
  let seq = 0;
  const lookup = (ak: string) => (ak === AK ? SK : undefined);

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://x");
    const method = req.method ?? "GET";
    requests.push(`${method} ${url.pathname}${url.search}`);
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(body === undefined ? "" : JSON.stringify(body));
    };
    const hw = (status: number, code: string, msg: string) =>
      send(status, { error_code: code, error_msg: msg }, { "X-request-id": "req-1" });

    if (url.pathname === "/") {
      const params = Object.fromEntries(url.searchParams);
      const verdict = verifyAliyunRpcRequest({ method, params }, lookup, { now: now() });
      const rid = "6D3B2C7A-1F2E-4B5A-9C8D-0E1F2A3B4C5D";
      const ali = (status: number, code: string, message: string) =>
        send(status, { RequestId: rid, HostId: "live.aliyuncs.com", Code: code, Message: message });
      if (!verdict.ok) return ali(400, "SignatureDoesNotMatch", `signature: ${verdict.reason}`);
      const d = params.DomainName ?? "";
      switch (params.Action) {
        case "AddLiveRecordNotifyConfig":
          if (aliyun.has(d)) return ali(400, "ConfigAlreadyExists", "Config has already exist.");
          aliyun.set(d, {
            DomainName: d,
            NotifyUrl: params.NotifyUrl,
            NeedStatusNotify: params.NeedStatusNotify === "true",
            NotifyReqAuth: params.NotifyReqAuth === "true",
            NotifyAuthKey: "",
          });
          return send(200, { RequestId: rid });
        case "DescribeLiveRecordNotifyConfig": {
          const c = aliyun.get(d);
          if (!c) return ali(404, "InvalidConfig.NotFound", "Config does not exist.");
          return send(200, { RequestId: rid, LiveRecordNotifyConfig: c });
        }
        case "DeleteLiveRecordNotifyConfig":
          if (!aliyun.delete(d)) return ali(404, "InvalidConfig.NotFound", "Config does not exist.");
          return send(200, { RequestId: rid });
        case "DescribeLiveRecordNotifyRecords":
          return send(200, {
            CallbackList: [
              {
                AppName: "live",
                StreamName: "s1",
                DomainName: d,
                NotifyUrl: "http://127.0.0.1:4020/hooks/aliyun-live",
                NotifyType: "file_created",
                NotifyTime: "2026-03-01T00:00:00Z",
                NotifyResult: "success",
                Description: "success",
                NotifyContent: "{}",
                NotifyHeader: "",
                NotifyResponse: "{}",
              },
            ],
            Code: 0,
            Msg: "ok",
            PageNum: 1,
            PageSize: Number(params.PageSize ?? 20),
            RequestId: rid,
            TotalNum: 1,
            TotalPage: 1,
          });
        default:
          return ali(400, "InvalidParams", "unknown action");
      }
    }

    const verdict = verifyHuaweiApigRequest(
      { method, path: url.pathname, query: url.search, headers: req.headers as Record<string, string>, body: raw },
      lookup,
      { now: now() },
    );
    if (!verdict.ok) {
      return send(401, { error_code: "APIGW.0301", error_msg: "verify aksk signature fail", request_id: "r" });
    }
    const body = raw.length ? (JSON.parse(raw.toString()) as Record<string, unknown>) : {};
    const stamp = "2026-03-01T00:00:00Z";
    const rtcMatch = url.pathname.match(/^\/v2\/apps\/([^/]+)\/record-callback$/);
    if (rtcMatch) {
      if (rtcMatch[1] !== "5fcdf5651aaaaaa6f835d0d4") return hw(404, "RTC.00001003", "InvalidParameterValue");
      if (method === "PUT") {
        rtc = {
          url: body.url,
          auth_key: body.auth_key ?? "",
          notify_event_subscription: ["RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE"],
          update_time: "2026-03-01T00:00:00.000Z",
        };
      }
      return send(200, { app_id: rtcMatch[1], ...(rtc ? { record_callback: rtc } : {}) });
    }
    const m = url.pathname.match(/^\/v1\/([^/]+)\/record\/callbacks(?:\/([^/]+))?$/);
    if (!m || m[1] !== PROJECT) return hw(400, "LIVE.100011001", "Request Illegal");
    const id = m[2];
    if (id === undefined && method === "GET") {
      const items = [...live.values()].filter(
        (c) => !url.searchParams.has("app") || c.app === url.searchParams.get("app"),
      );
      return send(200, { total: items.length, callback_config: items });
    }
    if (id === undefined && method === "POST") {
      if ([...live.values()].some((c) => c.publish_domain === body.publish_domain && c.app === body.app)) {
        return hw(400, "LIVE.103011018", "resource already exists");
      }
      const newId = (++seq).toString(16).padStart(32, "0");
      const { key: _k, ...shown } = body;
      const config = { id: newId, ...shown, create_time: stamp, update_time: stamp };
      live.set(newId, config);
      return send(201, config);
    }
    const found = id === undefined ? undefined : live.get(id);
    if (!found) return hw(method === "GET" ? 404 : 400, "LIVE.100011001", "Request Illegal");
    if (method === "GET") return send(200, found);
    if (method === "DELETE") {
      live.delete(id as string);
      return send(204);
    }
    const { key: _k, ...shown } = body;
    const updated = { ...found, ...shown, update_time: "2026-03-01T00:00:01Z" };
    live.set(id as string, updated);
    return send(200, updated);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
