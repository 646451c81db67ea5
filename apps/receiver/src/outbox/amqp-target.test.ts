/** The RabbitMQ target against the real broker (127.0.0.1:5672, guest/guest), each test on its own exchange. */
import { expect, test } from "vitest";
import { AMQP_URL, amqpCollector, describeWithBrokers, forwardTask, RABBITMQ, uniqueName } from "../../test/bus.js";
import { amqpTarget } from "./amqp-target.js";
import { parseBusUrl } from "./bus-url.js";

const describeAmqp = await describeWithBrokers(RABBITMQ);
const lease = () => AbortSignal.timeout(60_000);
const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
};

describeAmqp("RabbitMQ target", () => {
  test("publishes persistent messages with message_id and the event's headers, confirmed by the broker", async () => {
    const exchange = uniqueName("exchange");
    const bus = parseBusUrl(`${AMQP_URL}?exchange=${exchange}`);
    if (bus.kind !== "amqp") throw new Error("expected an amqp URL");
    // The queue is bound before anything is published: an exchange drops what no queue is bound for.
    const collector = await amqpCollector(exchange);
    const target = amqpTarget(bus);
    try {
      const tasks = [forwardTask(1), forwardTask(2, { eventType: "RECORD NEW.FILE" })];
      expect(await target.deliver(tasks, lease())).toEqual([undefined, undefined]);
      await until(() => collector.messages.length === 2);
      const [first, second] = collector.messages;
      expect(first?.fields.routingKey).toBe("huawei-live.RECORD_FILE_COMPLETE");
      expect(second?.fields.routingKey).toBe("huawei-live.RECORD_NEW_FILE");
      expect(first?.properties).toMatchObject({
        messageId: tasks[0]?.idemKey,
        deliveryMode: 2,
        contentType: "application/json",
        appId: "livehook",
        type: "RECORD_FILE_COMPLETE",
      });
      expect(first?.properties.headers).toMatchObject({
        "livehook-event-id": "1",
        "livehook-vendor": "huawei-live",
        "livehook-auth-scope": "fields",
        "livehook-idempotency-key": tasks[0]?.idemKey,
      });
      expect(first?.content.equals(Buffer.from(tasks[0]?.rawBody ?? []))).toBe(true);
      // A second publish (a lease that ran out) is confirmed again; consumers drop it by its message_id.
      expect(await target.deliver(tasks.slice(0, 1), lease())).toEqual([undefined]);
      await until(() => collector.messages.length === 3);
      expect(new Set(collector.messages.map((m) => m.properties.messageId)).size).toBe(2);
    } finally {
      await target.close();
      await collector.close();
    }
  });

  test("an exchange of another type is an error per event, and the target recovers on the next delivery", async () => {
    const exchange = uniqueName("exchange");
    const bus = parseBusUrl(`${AMQP_URL}?exchange=${exchange}`);
    if (bus.kind !== "amqp") throw new Error("expected an amqp URL");
    const { connect } = await import("amqplib");
    const admin = await connect(AMQP_URL);
    const channel = await admin.createChannel();
    await channel.assertExchange(exchange, "fanout", { durable: true });
    const target = amqpTarget(bus);
    try {
      const [answer] = await target.deliver([forwardTask(1)], lease());
      expect(answer).toMatch(/^cannot connect: .*PRECONDITION_FAILED/);
      await channel.deleteExchange(exchange);
      const collector = await amqpCollector(exchange);
      try {
        expect(await target.deliver([forwardTask(1)], lease())).toEqual([undefined]);
        await until(() => collector.messages.length === 1);
      } finally {
        await collector.close();
      }
    } finally {
      await target.close();
      await admin.close();
    }
  });

  test("an unreachable broker is an error per event, not a throw", async () => {
    const target = amqpTarget({ kind: "amqp", url: "amqp://guest:guest@127.0.0.1:1", exchange: "x" });
    const answers = await target.deliver([forwardTask(1)], lease());
    expect(answers).toEqual([expect.stringMatching(/^cannot connect: /)]);
    expect(answers[0]).not.toContain("guest:guest");
    await target.close();
  });
});
