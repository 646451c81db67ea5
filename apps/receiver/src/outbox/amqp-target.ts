/**
 * Publishes events to RabbitMQ (AMQP 0-9-1): a durable topic exchange, persistent messages, routing key
 * `<vendor>.<event type>`, `message_id` = the idempotency key. The channel is in confirm mode: an event counts as
 * published once the broker acknowledges it (for a durable queue, once it is written to disk). A message that
 * no queue is bound for is dropped by the exchange, as RabbitMQ does: bind a queue before events arrive.
 */
import { type ChannelModel, type ConfirmChannel, connect } from "amqplib";
import { BUS_CONTENT_TYPE, busMessage } from "./bus-message.js";
import type { BusUrl } from "./bus-url.js";
import { errorText, LEASE_RAN_OUT, leaseRunsOut, type OutboxTarget, targetName } from "./target.js";

type AmqpBus = Extract<BusUrl, { kind: "amqp" }>;

export function amqpTarget(bus: AmqpBus): OutboxTarget {
  type Connection = Promise<{ model: ChannelModel; channel: ConfirmChannel }>;
  let connection: Connection | undefined;
  const open = () => {
    if (connection !== undefined) return connection;
    const opening: Connection = (async () => {
      const model = await connect(bus.url, { clientProperties: { connection_name: "livehook-receiver" } });
      // Only this connection: a late event of an old one must not drop its successor.
      const forget = () => {
        if (connection === opening) connection = undefined;
      };
      // Without listeners an 'error' event would crash the process; the next pass reconnects.
      model.on("error", forget);
      model.on("close", forget);
      try {
        const channel = await model.createConfirmChannel();
        channel.on("error", forget);
        channel.on("close", forget);
        await channel.assertExchange(bus.exchange, "topic", { durable: true });
        return { model, channel };
      } catch (err) {
        await model.close().catch(() => {});
        throw err;
      }
    })();
    connection = opening;
    opening.catch(() => {
      if (connection === opening) connection = undefined;
    });
    return opening;
  };
  return {
    name: targetName(new URL(bus.url)),
    deliver: async (tasks, lease) => {
      let channel: ConfirmChannel;
      try {
        ({ channel } = await open());
      } catch (err) {
        return tasks.map(() => `cannot connect: ${errorText(err)}`);
      }
      // One listener on the lease for the whole batch.
      const leaseOver = leaseRunsOut(lease);
      return Promise.all(
        tasks.map((task) => {
          if (lease.aborted) return LEASE_RAN_OUT;
          const message = busMessage(task);
          const body = Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength);
          const confirmed = new Promise<string | undefined>((resolve) => {
            const settle = (err: unknown) =>
              resolve(err === null || err === undefined ? undefined : `not confirmed: ${errorText(err)}`);
            try {
              channel.publish(
                bus.exchange,
                message.topic,
                body,
                {
                  persistent: true,
                  messageId: message.messageId,
                  contentType: BUS_CONTENT_TYPE,
                  type: task.summary.eventType ?? undefined,
                  appId: "livehook",
                  timestamp: Math.floor(task.summary.receivedAt / 1000),
                  headers: message.headers,
                },
                settle,
              );
            } catch (err) {
              // The channel closed under us (amqplib throws synchronously then).
              settle(err);
            }
          });
          return Promise.race([confirmed, leaseOver]);
        }),
      );
    },
    close: async () => {
      const open = connection;
      connection = undefined;
      const opened = await open?.catch(() => undefined);
      await opened?.model.close().catch(() => {});
    },
  };
}
