/**
 * Issue 15, item 4: Huawei Live's HMAC covers seven named fields, so a body with other fields changed under a
 * valid `auth_sign` verifies. Such a variant is stored (nothing verified is lost) with scope `fields`, and it and
 * the event whose signature it carries are flagged `forged_variant`. SparkRTC shows `body`; Alibaba and MD5
 * show `none`. On both stores.
 */
import { afterEach, describe, expect, test } from "vitest";
import {
  aliyunFileEvent,
  huaweiLiveEvent,
  huaweiRtcEvent,
  makeReceiver,
  NOW_S,
  openTestStore,
  post,
  STORE_KINDS,
  signedAliyun,
  signedHuaweiLive,
  signedHuaweiRtc,
  type TestStore,
} from "../../test/helpers.js";

const SIGNED_FIELDS = ["auth_timestamp", "event_type", "publish_domain", "app", "stream", "download_url", "play_url"];
/** Fields the HMAC does not cover, each with the value an attacker puts there. */
const UNSIGNED_CHANGES: [field: string, value: unknown][] = [
  ["job_id", "forged-job"],
  ["task_id", "forged-task"],
  ["file_size", 1],
  ["record_duration", 99999],
  ["asset_id", "forged-asset"],
  ["obs_location", "forged-region"],
];

type Json = Record<string, unknown>;
const json = async (res: Response | Promise<Response>) => (await (await res).json()) as Json;

describe.each(STORE_KINDS)("what the signature authenticated ($kind)", ({ kind }) => {
  let opened: TestStore | undefined;
  afterEach(async () => {
    await opened?.cleanup();
    opened = undefined;
  });

  test("Huawei Live: variants with unsigned fields changed under one auth_sign are stored flagged, scope fields", async () => {
    opened = await openTestStore(kind);
    const { app, deps } = await makeReceiver({ store: opened.store });
    const signed = signedHuaweiLive(huaweiLiveEvent({ asset_id: "asset-1", obs_location: "cn-north-4" }));
    const original = await post(app, "/hooks/huawei-live", signed);
    expect(original.status).toBe(200);
    const originalId = Number(original.headers.get("x-livehook-event-id"));

    const variantIds: number[] = [];
    for (const [field, value] of UNSIGNED_CHANGES) {
      const forged = JSON.stringify({ ...(JSON.parse(signed) as Json), [field]: value });
      const res = await post(app, "/hooks/huawei-live", forged);
      expect(res.status, field).toBe(200);
      expect(res.headers.get("x-livehook-duplicate"), field).toBe("0");
      const id = Number(res.headers.get("x-livehook-event-id"));
      variantIds.push(id);
      const detail = await json(app.request(`/api/events/${id}`));
      expect(detail, field).toMatchObject({
        authenticated: { scope: "fields", fields: SIGNED_FIELDS },
        bodyAuthenticated: false,
        verdict: "verified_fields",
        anomaly: { kind: "forged_variant", otherEventId: originalId },
      });
      expect((detail.body as Json)[field]).toEqual(value);
    }
    // The event whose signature they copy is flagged too, pointing at the first variant.
    expect((await json(app.request(`/api/events/${originalId}`))).anomaly).toEqual({
      kind: "forged_variant",
      otherEventId: variantIds[0],
    });
    const flagged = await json(app.request("/api/events?verdict=forged_variant"));
    expect((flagged.events as Json[]).map((e) => e.id)).toEqual([...variantIds].reverse().concat(originalId));
    expect(deps.metrics.render()).toContain('livehook_events_forged_variant_total{vendor="huawei-live"} 6');

    // A byte-identical redelivery of a variant is a duplicate, and a retry of the original re-signed later is too.
    const again = await post(
      app,
      "/hooks/huawei-live",
      JSON.stringify({ ...(JSON.parse(signed) as Json), file_size: 1 }),
    );
    expect(again.headers.get("x-livehook-duplicate")).toBe("1");
    const retry = signedHuaweiLive(huaweiLiveEvent({ asset_id: "asset-1", obs_location: "cn-north-4" }), {
      ts: NOW_S + 5,
    });
    expect((await post(app, "/hooks/huawei-live", retry)).headers.get("x-livehook-duplicate")).toBe("1");
    expect(deps.metrics.render()).toContain('livehook_events_forged_variant_total{vendor="huawei-live"} 6');

    // The next file of the stream has its own download_url, hence its own signature: not flagged.
    const nextFile = huaweiLiveEvent({ job_id: "next-file", download_url: "https://obs.example.com/live/next.m3u8" });
    const honest = await post(app, "/hooks/huawei-live", signedHuaweiLive(nextFile));
    const honestId = honest.headers.get("x-livehook-event-id");
    expect(await json(app.request(`/api/events/${honestId}`))).toMatchObject({
      anomaly: null,
      verdict: "verified_fields",
    });
    // File starts carry no download_url: two genuine ones of one stream in one second share their signature,
    // so they are not checked (docs/receiver-internals.md "Forged variants").
    for (const job of ["start-hls", "start-mp4"]) {
      const start = huaweiLiveEvent({ job_id: job, event_type: "RECORD_NEW_FILE_START", download_url: undefined });
      const res = await post(app, "/hooks/huawei-live", signedHuaweiLive(start));
      expect(res.headers.get("x-livehook-duplicate")).toBe("0");
      const detail = await json(app.request(`/api/events/${res.headers.get("x-livehook-event-id")}`));
      expect(detail).toMatchObject({ authenticated: { scope: "fields" }, anomaly: null });
    }
    // The session view lists the anomaly too.
    const sessions = await json(app.request("/api/sessions"));
    const kinds = (sessions.sessions as { anomalies: { kind: string }[] }[]).flatMap((s) =>
      s.anomalies.map((a) => a.kind),
    );
    expect(kinds.filter((k) => k === "forged_variant")).toHaveLength(7);
  });

  test("SparkRTC shows body; Alibaba and Huawei Live MD5 show none, and MD5 events in one second are no anomaly", async () => {
    opened = await openTestStore(kind);
    const { app } = await makeReceiver({
      store: opened.store,
      config: { huaweiLiveSignTypes: ["HMACSHA256", "MD5"] },
    });
    const rtc = JSON.stringify(huaweiRtcEvent());
    const rtcId = (await post(app, "/hooks/huawei-rtc", rtc, signedHuaweiRtc(rtc))).headers.get("x-livehook-event-id");
    expect(await json(app.request(`/api/events/${rtcId}`))).toMatchObject({
      authenticated: { scope: "body" },
      bodyAuthenticated: true,
      verdict: "verified",
      anomaly: null,
    });
    const ali = await post(app, "/hooks/aliyun-live", JSON.stringify(aliyunFileEvent()), signedAliyun());
    expect(await json(app.request(`/api/events/${ali.headers.get("x-livehook-event-id")}`))).toMatchObject({
      authenticated: { scope: "none" },
      bodyAuthenticated: false,
      verdict: "verified_signature_only",
      anomaly: null,
    });
    // MD5 signs key + timestamp: two genuine events sent in the same second share auth_sign.
    for (const job of ["md5-a", "md5-b"]) {
      const res = await post(
        app,
        "/hooks/huawei-live",
        signedHuaweiLive(huaweiLiveEvent({ job_id: job }), { signType: "MD5" }),
      );
      expect(res.headers.get("x-livehook-duplicate")).toBe("0");
      expect(await json(app.request(`/api/events/${res.headers.get("x-livehook-event-id")}`))).toMatchObject({
        authenticated: { scope: "none" },
        verdict: "verified_signature_only",
        anomaly: null,
      });
    }
    expect((await json(app.request("/api/events?verdict=signature_only"))).events).toHaveLength(3);
    expect((await json(app.request("/api/events?verdict=body_authenticated"))).events).toHaveLength(1);
    expect((await json(app.request("/api/events?verdict=forged_variant"))).events).toHaveLength(0);
  });
});
