/**
 * Message bus helpers of the outbox tests: the brokers on loopback, a test's own outbox task, and consumers that
 * read back what the receiver published. Under CI=true a broker that does not answer fails the test; elsewhere
 * the tests that need it are skipped, with a message saying why.
 */
import { connect as netConnect } from "node:net";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { MsgHdrs, NatsConnection } from "@nats-io/transport-node";
import { connect as amqpConnect, type ConsumeMessage } from "amqplib";
import { describe } from "vitest";
import type { ForwardTask } from "../src/store/types.js";

export const NATS_SERVER = process.env.LIVEHOOK_TEST_NATS ?? "127.0.0.1:4222";
export const AMQP_URL = process.env.LIVEHOOK_TEST_AMQP ?? "amqp://guest:guest@127.0.0.1:5672";

async function answers(hostPort: string): Promise<boolean> {
  const [host, port] = hostPort.split(":") as [string, string];
  return new Promise((resolve) => {
    const socket = netConnect({ host, port: Number(port) });
    socket.setTimeout(2000, () => socket.destroy());
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("close", () => resolve(false));
  });
}

/** `describe`, skipping with a message when a broker it needs is down outside CI. */
export async function describeWithBrokers(
  ...brokers: { name: string; hostPort: string }[]
): Promise<ReturnType<typeof describe.skipIf>> {
  const down = [];
  for (const broker of brokers) if (!(await answers(broker.hostPort))) down.push(broker);
  const skip = process.env.CI !== "true" && down.length > 0;
  if (skip) {
    const names = down.map((b) => `${b.name} (${b.hostPort})`).join(", ");
    process.stderr.write(`skipping: nothing answers for ${names}; under CI=true these tests run and fail\n`);
  }
  return describe.skipIf(skip);
}

export const NATS = { name: "NATS JetStream", hostPort: NATS_SERVER };

const amqpAddress = new URL(AMQP_URL);
export const RABBITMQ = {
  name: "RabbitMQ",
  hostPort: `${amqpAddress.hostname}:${amqpAddress.port === "" ? "5672" : amqpAddress.port}`,
};

/** A unique name per run, for streams, subject prefixes and exchanges, so parallel runs never meet. */
export const uniqueName = (what: string): string =>
  `livehook_${what}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;

export function forwardTask(id: number, over: Partial<ForwardTask["summary"]> = {}): ForwardTask {
  const body = new TextEncoder().encode(JSON.stringify({ job_id: `job-${id}`, event_type: "RECORD_FILE_COMPLETE" }));
  return {
    id,
    vendor: over.vendor ?? "huawei-live",
    idemKey: `huawei-live:t0000000:${id.toString(16).padStart(32, "0")}`,
    attempts: 0,
    done: [],
    rawBody: body,
    summary: {
      id,
      vendor: "huawei-live",
      receivedAt: Date.parse("2026-03-01T00:00:00Z"),
      eventType: "RECORD_FILE_COMPLETE",
      domain: "push.example.com",
      app: "live",
      stream: "s1",
      sessionKey: "task-1",
      fileKey: `job-${id}`,
      eventTime: null,
      authScope: "fields",
      keyIndex: 0,
      valid: true,
      unknownFields: [],
      duplicates: 0,
      anomaly: null,
      forwardState: "pending",
      ...over,
    },
  };
}

export type StreamMessage = {
  subject: string;
  msgId: string | undefined;
  headers: MsgHdrs | undefined;
  data: Uint8Array;
};

/** Every message the stream holds, in order, through an ordered consumer. */
export async function readStream(nc: NatsConnection, stream: string): Promise<StreamMessage[]> {
  const jsm = await jetstreamManager(nc);
  const total = (await jsm.streams.info(stream)).state.messages;
  const consumer = await jetstream(nc).consumers.get(stream);
  const out: StreamMessage[] = [];
  while (out.length < total) {
    const before = out.length;
    const batch = await consumer.fetch({ max_messages: Math.min(1000, total - out.length), expires: 5000 });
    for await (const m of batch) {
      out.push({ subject: m.subject, msgId: m.headers?.get("Nats-Msg-Id"), headers: m.headers, data: m.data });
    }
    if (out.length === before) throw new Error(`stream ${stream}: read ${out.length} of ${total} messages`);
  }
  return out;
}

export async function deleteStream(nc: NatsConnection, stream: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(stream).catch(() => false);
}

/** A queue bound to every routing key of `exchange`, collecting what arrives; `close` deletes the exchange. */
export async function amqpCollector(exchange: string) {
  const model = await amqpConnect(AMQP_URL);
  const channel = await model.createChannel();
  await channel.assertExchange(exchange, "topic", { durable: true });
  const { queue } = await channel.assertQueue("", { exclusive: true });
  await channel.bindQueue(queue, exchange, "#");
  const messages: ConsumeMessage[] = [];
  await channel.consume(queue, (m) => m !== null && messages.push(m), { noAck: true });
  return {
    messages,
    close: async () => {
      await channel.deleteExchange(exchange);
      await model.close();
    },
  };
}
