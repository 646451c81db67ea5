/**
 * Issue 19, item 5: three receiver processes (the built dist/main.js) on one PostgreSQL schema, publishing to
 * NATS JetStream and RabbitMQ at once. 20,000 deliveries, 20% of them re-signed retries of events already sent,
 * spread over the three; one receiver is killed with SIGKILL half-way and started again. Then: every acknowledged
 * event is stored once, published to the stream and the exchange, and consumed once by consumers that honour the
 * message id. Real sockets, real processes, real brokers; the clock is the real one, so events are signed now.
 */
import { randomBytes } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";
import { signHuaweiLiveCallbackBody } from "@livehook/core";
import { type NatsConnection, connect as natsConnect } from "@nats-io/transport-node";
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  AMQP_URL,
  amqpCollector,
  deleteStream,
  describeWithBrokers,
  NATS,
  NATS_SERVER,
  RABBITMQ,
  readStream,
  uniqueName,
} from "./bus.js";
import { huaweiLiveEvent } from "./helpers.js";
import { type RunningReceiver, spawnReceiver } from "./spawn-receiver.js";
import { KEYS } from "./test-config.js";

const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const DELIVERIES = 20_000;
const DUPLICATE_SHARE = 0.2;
const CONNECTIONS = 48;
/** Short, so the claims of the killed receiver come due again soon (the default is 30 s). */
const LEASE_MS = 3000;

const describeBrokers = await describeWithBrokers(NATS, RABBITMQ);

/** One delivery attempt: status, or an error when the connection failed (a killed receiver). */
function post(agent: Agent, url: string, body: string): Promise<number> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: "POST",
        path: "/hooks/huawei-live",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describeBrokers("three receivers on one PostgreSQL publishing to NATS JetStream and RabbitMQ", () => {
  const schema = `livehook_bus_${process.pid}_${randomBytes(4).toString("hex")}`;
  const stream = uniqueName("stream");
  const exchange = uniqueName("exchange");
  const receivers: (RunningReceiver | undefined)[] = [];
  let env: Record<string, string>;
  let nc: NatsConnection;
  let collector: Awaited<ReturnType<typeof amqpCollector>>;
  let db: pg.Client;

  beforeAll(async () => {
    db = new pg.Client({ connectionString: DATABASE_URL });
    await db.connect();
    await db.query(`CREATE SCHEMA "${schema}"`);
    nc = await natsConnect({ servers: NATS_SERVER });
    // Bound before the receivers start: an exchange drops what no queue is bound for.
    collector = await amqpCollector(exchange);
    const url = new URL(DATABASE_URL);
    url.searchParams.set("options", `-c search_path=${schema}`);
    env = {
      DATABASE_URL: url.toString(),
      LIVEHOOK_HUAWEI_LIVE_KEYS: KEYS.huaweiLive,
      LIVEHOOK_PUBLISH: `nats://${NATS_SERVER}?stream=${stream}&prefix=${stream},${AMQP_URL}?exchange=${exchange}`,
      LIVEHOOK_FORWARD_LEASE_MS: String(LEASE_MS),
      LIVEHOOK_LOG_LEVEL: "warn",
    };
    // One first, so the migrations run once; then the other two.
    receivers.push(await spawnReceiver([], env));
    receivers.push(...(await Promise.all([spawnReceiver([], env), spawnReceiver([], env)])));
  });

  afterAll(async () => {
    for (const r of receivers) {
      r?.child.kill("SIGKILL");
      await r?.exited;
    }
    await db?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db?.end();
    if (nc !== undefined) {
      await deleteStream(nc, stream);
      await nc.close();
    }
    await collector?.close();
  });

  test("20,000 deliveries with 20% re-signed retries and a kill -9: each event stored once, published once, consumed once", async () => {
    const started = performance.now();
    const distinct = Math.round(DELIVERIES * (1 - DUPLICATE_SHARE));
    // Delivery i: event i for the first `distinct`, then retries of earlier events, each re-signed when sent.
    const eventOf = (i: number) => (i < distinct ? i : (i * 7919) % distinct);
    const bodyOf = (n: number) =>
      huaweiLiveEvent({
        job_id: `bus-${n}`,
        task_id: `bus-task-${n % 97}`,
        download_url: `https://obs.example.com/live/bus-${n}.m3u8`,
      });
    // Each retry comes some time after its event's first delivery, so retries mix with first deliveries.
    const retriesAfter = new Map<number, number[]>();
    for (let i = distinct; i < DELIVERIES; i++) {
      const n = eventOf(i);
      const at = Math.min(distinct - 1, n + 1 + ((i * 31) % 2000));
      retriesAfter.set(at, [...(retriesAfter.get(at) ?? []), i]);
    }
    const order = Array.from({ length: distinct }, (_, i) => [i, ...(retriesAfter.get(i) ?? [])]).flat();
    expect(order.length).toBe(DELIVERIES);
    const agents = [0, 1, 2].map(() => new Agent({ keepAlive: true, maxSockets: CONNECTIONS }));
    const acked = new Set<number>();
    let answered = 0;
    let failedAttempts = 0;
    let killed: Promise<void> | undefined;
    let next = 0;
    const worker = async () => {
      for (let slot = next++; slot < order.length; slot = next++) {
        const n = eventOf(order[slot] as number);
        // Spread over the three; an attempt that fails (the killed one) is retried, re-signed, on the next one.
        for (let attempt = 0; ; attempt++) {
          const index = (slot + attempt) % 3;
          const receiver = receivers[index];
          if (receiver === undefined) continue;
          const body = signHuaweiLiveCallbackBody(
            bodyOf(n),
            KEYS.huaweiLive,
            "HMACSHA256",
            Math.floor(Date.now() / 1000),
          );
          const status = await post(agents[index] as Agent, receiver.url, body).catch(() => 0);
          if (status === 200) {
            acked.add(n);
            break;
          }
          failedAttempts++;
          if (attempt % 3 === 2) await new Promise((r) => setTimeout(r, 50));
        }
        answered++;
        if (answered === DELIVERIES / 2 && killed === undefined) {
          const victim = receivers[1] as RunningReceiver;
          victim.child.kill("SIGKILL");
          killed = victim.exited.then(async () => {
            receivers[1] = undefined;
            agents[1]?.destroy();
            agents[1] = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
            receivers[1] = await spawnReceiver([], env);
          });
        }
      }
    };
    await Promise.all(Array.from({ length: CONNECTIONS }, worker));
    await killed;
    const sentMs = performance.now() - started;
    for (const agent of agents) agent.destroy();
    expect(acked.size).toBe(distinct);

    // Stored once: one row per event, none missing.
    const { rows } = await db.query<{ file_key: string; n: number }>(
      `SELECT file_key, count(*)::int AS n FROM "${schema}".events GROUP BY file_key`,
    );
    expect(rows.length).toBe(distinct);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(new Set(rows.map((r) => r.file_key))).toEqual(new Set([...acked].map((n) => `bus-${n}`)));

    // Published: the outbox drains (the killed receiver's claims come back after their lease).
    const drainStarted = performance.now();
    for (;;) {
      const left = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${schema}".events WHERE forward_state IS DISTINCT FROM 'delivered'`,
      );
      if (left.rows[0]?.n === 0) break;
      if (performance.now() - drainStarted > 120_000) throw new Error(`outbox not drained: ${left.rows[0]?.n} left`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const drainMs = performance.now() - drainStarted;
    const events = await db.query<{ id: string; idem_key: string }>(`SELECT id, idem_key FROM "${schema}".events`);
    const keys = new Map(events.rows.map((r) => [r.idem_key, r.id]));

    // NATS: the stream dropped every second publish by its Nats-Msg-Id, so it holds each event exactly once.
    const messages = await readStream(nc, stream);
    expect(messages.length).toBe(distinct);
    const natsConsumed = new Map<string, number>();
    for (const m of messages) {
      const id = m.msgId as string;
      if (natsConsumed.has(id)) continue; // a consumer that honours the message id
      natsConsumed.set(id, Number(m.headers?.get("livehook-event-id")));
    }
    expect(natsConsumed.size).toBe(distinct);
    for (const [key, id] of keys) expect(natsConsumed.get(key)).toBe(Number(id));

    // RabbitMQ: at least once (a publish confirmed just before the kill is published again); by message_id once.
    const amqpWait = performance.now();
    while (collector.messages.length < distinct) {
      if (performance.now() - amqpWait > 60_000) throw new Error(`RabbitMQ: ${collector.messages.length} messages`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const amqpConsumed = new Map<string, number>();
    for (const m of collector.messages) {
      const id = m.properties.messageId as string;
      if (amqpConsumed.has(id)) continue;
      amqpConsumed.set(id, Number(m.properties.headers?.["livehook-event-id"]));
    }
    expect(amqpConsumed.size).toBe(distinct);
    for (const [key, id] of keys) expect(amqpConsumed.get(key)).toBe(Number(id));

    process.stderr.write(
      `outbox-bus: ${DELIVERIES} deliveries (${acked.size} events) answered in ${Math.round(sentMs)} ms, ` +
        `${failedAttempts} failed attempts around the kill; outbox drained ${Math.round(drainMs)} ms later; ` +
        `RabbitMQ received ${collector.messages.length} messages for ${distinct} events\n`,
    );
  }, 300_000);
});
