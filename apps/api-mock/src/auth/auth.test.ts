/**
 * `--auth on` in-process, requests signed with core's signers on a virtual clock: windows, replays, mismatches and
 * the vendor's error codes. (test/sdk-auth.test.ts covers the real SDK packages over a socket.)
 */
import { signAliyunAcs3Request, signAliyunRpcRequest, signHuaweiApigRequest } from "@livehook/core";
import { describe, expect, test } from "vitest";
import { T0, testMock } from "../../test/harness.js";

const AK = "testid";
const SK = "testsecret";
const PROJECT = "0123456789abcdef0123456789abcdef";
const mock = () => testMock({ credentials: { accessKeyId: AK, accessKeySecret: SK, tokens: ["good-token"] } });
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

describe("Huawei APIG verification", () => {
  const listUrl = `http://127.0.0.1:4010/v1/${PROJECT}/record/callbacks?app=*&limit=10`;
  const signed = (date: Date, opts: { sk?: string; ak?: string; project?: string } = {}) => {
    const headers = { "content-type": "application/json", "x-project-id": opts.project ?? PROJECT };
    const auth = signHuaweiApigRequest({
      method: "GET",
      url: listUrl,
      headers,
      accessKey: opts.ak ?? AK,
      secretKey: opts.sk ?? SK,
      date,
    });
    return { ...headers, host: "127.0.0.1:4010", ...auth };
  };
  const expect401 = async (res: Response, msg: string) => {
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error_code: string; error_msg: string; request_id: string };
    expect(body.error_code).toBe("APIGW.0301");
    expect(body.error_msg).toContain(msg);
    expect(body.request_id).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}-/);
  };

  test("a signed request passes within 15 minutes either way", async () => {
    const m = mock();
    for (const offset of [0, -14, 14]) {
      expect((await m.app.request(listUrl, { headers: signed(minutes(offset)) })).status).toBe(200);
    }
  });

  test("expired date, wrong key, unknown AK, other project, token rules", async () => {
    const m = mock();
    await expect401(await m.app.request(listUrl, { headers: signed(minutes(-16)) }), "verify aksk signature fail");
    await expect401(await m.app.request(listUrl, { headers: signed(minutes(16)) }), "verify aksk signature fail");
    await expect401(
      await m.app.request(listUrl, { headers: signed(T0, { sk: "nope" }) }),
      "verify aksk signature fail",
    );
    await expect401(
      await m.app.request(listUrl, { headers: signed(T0, { ak: "OTHER" }) }),
      "ak:OTHER,err:ak not exist",
    );
    await expect401(
      await m.app.request(listUrl, { headers: signed(T0, { project: "another" }) }),
      "verify aksk signature fail",
    );
    await expect401(await m.app.request(listUrl), "x-auth-token not found");
    await expect401(await m.app.request(listUrl, { headers: { "x-auth-token": "bad" } }), "decrypt token fail");
    expect((await m.app.request(listUrl, { headers: { "x-auth-token": "good-token" } })).status).toBe(200);
    const rtc = "http://127.0.0.1:4010/v2/apps/5fcdf5651aaaaaa6f835d0d4/record-callback";
    const res = await m.app.request(rtc);
    expect(res.status).toBe(401);
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f]{32}-/);
  });
});

describe("APIG lock-out after five consecutive AK/SK failures (§2.10, option)", () => {
  const url = `http://127.0.0.1:4010/v1/${PROJECT}/record/callbacks`;
  const headers = (date: Date, sk = SK) => {
    const base = { "content-type": "application/json", "x-project-id": PROJECT };
    const auth = signHuaweiApigRequest({ method: "GET", url, headers: base, accessKey: AK, secretKey: sk, date });
    return { ...base, host: "127.0.0.1:4010", ...auth };
  };
  const status = async (m: ReturnType<typeof mock>, h: Record<string, string>) => {
    const res = await m.app.request(url, { headers: h });
    const body = res.status === 200 ? undefined : ((await res.json()) as { error_msg: string }).error_msg;
    return { status: res.status, locked: body?.includes("locked") ?? false };
  };

  test("off by default: failures never lock the key", async () => {
    const m = mock();
    expect(m.store.settings.apig_lockout).toBe(false);
    for (let i = 0; i < 8; i++) expect((await status(m, headers(T0, "wrong"))).status).toBe(401);
    expect(await status(m, headers(T0))).toEqual({ status: 200, locked: false });
  });

  test("on: the fifth failure locks the key for 5 minutes on the virtual clock; a success resets the count", async () => {
    const m = mock();
    await m.json("/_mock/settings", "PATCH", { apig_lockout: true });
    // Four failures, then a success: the count starts again.
    for (let i = 0; i < 4; i++) expect(await status(m, headers(T0, "wrong"))).toEqual({ status: 401, locked: false });
    expect((await status(m, headers(T0))).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await status(m, headers(T0, "wrong"))).locked).toBe(false);
    expect(await status(m, headers(T0, "wrong"))).toEqual({ status: 401, locked: false });
    // Locked: even a correct signature is refused, with the lock-out message.
    expect(await status(m, headers(T0))).toEqual({ status: 401, locked: true });
    m.advance(5 * 60_000 - 1);
    expect(await status(m, headers(minutes(5)))).toEqual({ status: 401, locked: true });
    // Tokens are not AK/SK: they still pass.
    expect((await m.app.request(url, { headers: { "x-auth-token": "good-token" } })).status).toBe(200);
    m.advance(1);
    expect(await status(m, headers(minutes(5)))).toEqual({ status: 200, locked: false });
    // SparkRTC sits behind the same gateway and shares the count.
    const rtc = "http://127.0.0.1:4010/v2/apps/5fcdf5651aaaaaa6f835d0d4/record-callback";
    const rtcHeaders = (sk: string) => {
      const base = { "content-type": "application/json" };
      const auth = signHuaweiApigRequest({
        method: "GET",
        url: rtc,
        headers: base,
        accessKey: AK,
        secretKey: sk,
        date: minutes(5),
      });
      return { ...base, host: "127.0.0.1:4010", ...auth };
    };
    for (let i = 0; i < 5; i++) expect((await m.app.request(rtc, { headers: rtcHeaders("wrong") })).status).toBe(401);
    expect(await status(m, headers(minutes(5)))).toEqual({ status: 401, locked: true });
    // A reset forgets the lock and restores the default (off).
    await m.app.request("/_mock/reset", { method: "POST" });
    expect(await status(m, headers(minutes(5)))).toEqual({ status: 200, locked: false });
  });
});

describe("Alibaba RPC v1 and ACS3 verification", () => {
  const rpcParams = (date: Date, nonce: string, extra: Record<string, string> = {}) => {
    const params: Record<string, string> = {
      Action: "DescribeLiveRecordNotifyConfig",
      DomainName: "example.com",
      Format: "JSON",
      SignatureMethod: "HMAC-SHA1",
      SignatureNonce: nonce,
      SignatureVersion: "1.0",
      Timestamp: `${date.toISOString().slice(0, 19)}Z`,
      Version: "2016-11-01",
      AccessKeyId: AK,
      ...extra,
    };
    params.Signature = signAliyunRpcRequest({ method: "GET", params, accessKeySecret: SK });
    return `/?${new URLSearchParams(params)}`;
  };
  const code = async (res: Response) => ((await res.json()) as { Code: string }).Code;

  test("RPC v1: pass, replay, window, missing and malformed parts", async () => {
    const m = mock();
    const url = rpcParams(T0, "n1");
    const first = await m.app.request(url);
    expect([first.status, await code(first)]).toEqual([404, "InvalidConfig.NotFound"]);
    const replay = await m.app.request(url);
    expect([replay.status, await code(replay)]).toEqual([400, "SignatureNonceUsed"]);
    const old = await m.app.request(rpcParams(minutes(-16), "n2"));
    expect([old.status, await code(old)]).toEqual([400, "InvalidTimeStamp.Expired"]);
    const wrongAk = await m.app.request(rpcParams(T0, "n3", { AccessKeyId: "OTHER" }));
    expect([wrongAk.status, await code(wrongAk)]).toEqual([404, "InvalidAccessKeyId.NotFound"]);
    const tampered = await m.app.request(rpcParams(T0, "n4").replace("example.com", "evil.com"));
    expect([tampered.status, await code(tampered)]).toEqual([400, "SignatureDoesNotMatch"]);
    const badTime = await m.app.request(rpcParams(T0, "n5", { Timestamp: "yesterday" }));
    expect([badTime.status, await code(badTime)]).toEqual([400, "InvalidTimeStamp.Format"]);
    const unsigned = await m.app.request("/?Action=DescribeLiveRecordNotifyConfig&Version=2016-11-01&DomainName=a.com");
    expect([unsigned.status, await code(unsigned)]).toEqual([400, "MissingSignature"]);
  });

  test("ACS3: pass, replay, window, unsigned x-acs-action swap", async () => {
    const m = mock();
    const url = "http://live.aliyuncs.com/?DomainName=example.com&NotifyUrl=http%3A%2F%2Fcb.example.com%2Fa";
    const sign = (date: Date, nonce: string) => ({
      host: "live.aliyuncs.com",
      "x-acs-action": "AddLiveRecordNotifyConfig",
      "x-acs-version": "2016-11-01",
      ...signAliyunAcs3Request({
        method: "POST",
        url,
        action: "AddLiveRecordNotifyConfig",
        version: "2016-11-01",
        accessKeyId: AK,
        accessKeySecret: SK,
        date,
        nonce,
      }),
    });
    const ok = await m.app.request(url, { method: "POST", headers: sign(T0, "a".repeat(64)) });
    expect(ok.status).toBe(200);
    const replay = await m.app.request(url, { method: "POST", headers: sign(T0, "a".repeat(64)) });
    expect([replay.status, await code(replay)]).toEqual([400, "SignatureNonceUsed"]);
    const old = await m.app.request(url, { method: "POST", headers: sign(minutes(20), "b".repeat(64)) });
    expect([old.status, await code(old)]).toEqual([400, "InvalidTimeStamp.Expired"]);
    const swapped = await m.app.request(url, {
      method: "POST",
      headers: { ...sign(T0, "c".repeat(64)), "x-acs-action": "DeleteLiveRecordNotifyConfig" },
    });
    expect(swapped.status).toBe(400);
    expect(await code(swapped)).toBe("SignatureDoesNotMatch");
  });
});
