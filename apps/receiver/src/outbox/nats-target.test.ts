/** The NATS JetStream target against the real server (127.0.0.1:4222), each test on its own stream. */
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  deleteStream,
  describeWithBrokers,
  forwardTask,
  NATS,
  NATS_SERVER,
  readStream,
  uniqueName,
} from "../../test/bus.js";
import { ensureStream, natsTarget } from "./nats-target.js";
import { LEASE_RAN_OUT } from "./target.js";

const describeNats = await describeWithBrokers(NATS);

describeNats("NATS JetStream target", () => {
  let nc: NatsConnection;
  const streams: string[] = [];
  const bus = () => {
    const stream = uniqueName("stream");
    streams.push(stream);
    return { kind: "nats" as const, servers: NATS_SERVER, stream, prefix: stream };
  };
  const lease = () => AbortSignal.timeout(60_000);

  beforeAll(async () => {
    nc = await connect({ servers: NATS_SERVER });
  });
  afterAll(async () => {
    for (const stream of streams) await deleteStream(nc, stream);
    await nc.close();
  });

  test("publishes the vendor body with the event's headers to <prefix>.<vendor>.<event type>, creating the stream", async () => {
    const config = bus();
    const target = natsTarget(config);
    try {
      const task = forwardTask(1);
      expect(await target.deliver([task], lease())).toEqual([undefined]);
      const [message] = await readStream(nc, config.stream);
      expect(message?.subject).toBe(`${config.prefix}.huawei-live.RECORD_FILE_COMPLETE`);
      expect(message?.msgId).toBe(task.idemKey);
      expect(Buffer.from(message?.data ?? []).equals(Buffer.from(task.rawBody))).toBe(true);
      expect(message?.headers?.get("livehook-event-id")).toBe("1");
      expect(message?.headers?.get("livehook-vendor")).toBe("huawei-live");
      expect(message?.headers?.get("livehook-event-type")).toBe("RECORD_FILE_COMPLETE");
      expect(message?.headers?.get("livehook-auth-scope")).toBe("fields");
      expect(message?.headers?.get("livehook-authenticated-fields")).toContain("download_url");
      expect(message?.headers?.get("livehook-idempotency-key")).toBe(task.idemKey);
      expect(message?.headers?.get("content-type")).toBe("application/json");
    } finally {
      await target.close();
    }
  });

  test("a second publish of an event is confirmed, and the stream keeps one message (Nats-Msg-Id)", async () => {
    const config = bus();
    const first = natsTarget(config);
    const second = natsTarget(config);
    try {
      const tasks = [1, 2, 3].map((id) => forwardTask(id));
      expect(await first.deliver(tasks, lease())).toEqual([undefined, undefined, undefined]);
      // Another receiver publishing the same events again (a lease that ran out): confirmed, dropped by the stream.
      expect(await second.deliver(tasks.slice(1), lease())).toEqual([undefined, undefined]);
      expect((await readStream(nc, config.stream)).map((m) => m.msgId)).toEqual(tasks.map((t) => t.idemKey));
    } finally {
      await first.close();
      await second.close();
    }
  });

  test("uses an existing stream as it is", async () => {
    const config = bus();
    await ensureStream(nc, { stream: config.stream, prefix: `${config.prefix}.huawei-live` });
    const target = natsTarget(config);
    try {
      expect(await target.deliver([forwardTask(7)], lease())).toEqual([undefined]);
      expect(await readStream(nc, config.stream)).toHaveLength(1);
      // An event whose subject that stream does not capture is not confirmed: it stays queued.
      const [answer] = await target.deliver([forwardTask(8, { vendor: "huawei-rtc" })], lease());
      expect(answer).toEqual(expect.any(String));
    } finally {
      await target.close();
    }
  });

  test("a lease that ran out is an answer for each event, and nothing is published", async () => {
    const config = bus();
    const target = natsTarget(config);
    try {
      const over = new AbortController();
      over.abort();
      expect(await target.deliver([forwardTask(1), forwardTask(2)], over.signal)).toEqual([
        LEASE_RAN_OUT,
        LEASE_RAN_OUT,
      ]);
      expect(await readStream(nc, config.stream)).toEqual([]);
    } finally {
      await target.close();
    }
  });

  test("an unreachable server is an error per event, not a throw", async () => {
    const target = natsTarget({ ...bus(), servers: "127.0.0.1:1" });
    const answers = await target.deliver([forwardTask(1), forwardTask(2)], lease());
    expect(answers).toEqual([expect.stringMatching(/^cannot connect: /), expect.stringMatching(/^cannot connect: /)]);
    await target.close();
  });
});
