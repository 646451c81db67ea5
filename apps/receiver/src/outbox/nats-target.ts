/**
 * Publishes events to NATS JetStream: subject `<prefix>.<vendor>.<event type>`, the idempotency key as
 * `Nats-Msg-Id`, so the stream itself drops a second publish of an event inside its duplicate window. An event
 * counts as published once the stream's PubAck arrives (it is then stored, or was already). The stream is
 * created when missing, capturing `<prefix>.>`; an existing one is used as it is.
 */
import { type JetStreamClient, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { BUS_CONTENT_TYPE, busMessage } from "./bus-message.js";
import type { BusUrl } from "./bus-url.js";
import { errorText, LEASE_RAN_OUT, leaseRunsOut, type OutboxTarget, targetName } from "./target.js";

type NatsBus = Extract<BusUrl, { kind: "nats" }>;

const CONNECT_TIMEOUT_MS = 5000;
const PUBLISH_TIMEOUT_MS = 5000;

export async function ensureStream(nc: NatsConnection, bus: Pick<NatsBus, "stream" | "prefix">): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const exists = () =>
    jsm.streams.info(bus.stream).then(
      () => true,
      () => false,
    );
  if (await exists()) return;
  // Two receivers starting together may both try; the second add fails and finds the first one's stream.
  await jsm.streams.add({ name: bus.stream, subjects: [`${bus.prefix}.>`] }).catch(async (err: unknown) => {
    if (!(await exists())) throw err;
  });
}

export function natsTarget(bus: NatsBus): OutboxTarget {
  type Connection = Promise<{ nc: NatsConnection; js: JetStreamClient }>;
  let connection: Connection | undefined;
  const open = () => {
    if (connection !== undefined) return connection;
    const opening: Connection = (async () => {
      const nc = await connect({
        servers: bus.servers,
        name: "livehook-receiver",
        timeout: CONNECT_TIMEOUT_MS,
        // Keep reconnecting: publishes fail (and are retried by the outbox) until the server is back.
        maxReconnectAttempts: -1,
        ...(bus.user === undefined ? {} : { user: bus.user, pass: bus.pass }),
        ...(bus.token === undefined ? {} : { token: bus.token }),
      });
      try {
        await ensureStream(nc, bus);
      } catch (err) {
        await nc.close();
        throw err;
      }
      void nc.closed().then(() => {
        if (connection === opening) connection = undefined;
      });
      return { nc, js: jetstream(nc, { timeout: PUBLISH_TIMEOUT_MS }) };
    })();
    connection = opening;
    opening.catch(() => {
      if (connection === opening) connection = undefined;
    });
    return opening;
  };
  return {
    name: targetName(new URL(`nats://${bus.servers}`)),
    deliver: async (tasks, lease) => {
      let js: JetStreamClient;
      try {
        ({ js } = await open());
      } catch (err) {
        return tasks.map(() => `cannot connect: ${errorText(err)}`);
      }
      // One listener on the lease for the whole batch.
      const leaseOver = leaseRunsOut(lease);
      return Promise.all(
        tasks.map(async (task) => {
          if (lease.aborted) return LEASE_RAN_OUT;
          const message = busMessage(task);
          const h = headers();
          h.set("content-type", BUS_CONTENT_TYPE);
          for (const [name, value] of Object.entries(message.headers)) h.set(name, value);
          const published = js
            .publish(`${bus.prefix}.${message.topic}`, message.body, {
              msgID: message.messageId,
              headers: h,
              timeout: PUBLISH_TIMEOUT_MS,
            })
            .then(
              () => undefined,
              (err: unknown) => errorText(err),
            );
          return Promise.race([published, leaseOver]);
        }),
      );
    },
    close: async () => {
      const open = connection;
      connection = undefined;
      if (open !== undefined) await (await open.catch(() => undefined))?.nc.drain();
    },
  };
}
