import { expect, test } from "vitest";
import { forwardTask } from "../../test/bus.js";
import { busMessage, topicToken } from "./bus-message.js";
import { parseBusUrl } from "./bus-url.js";
import { errorText, targetName } from "./target.js";

test("NATS URLs: defaults, stream and prefix, user and password or a token", () => {
  expect(parseBusUrl("nats://127.0.0.1")).toEqual({
    kind: "nats",
    servers: "127.0.0.1:4222",
    stream: "LIVEHOOK",
    prefix: "livehook",
  });
  expect(parseBusUrl("nats://u:p%40ss@nats.internal:4333?stream=REC&prefix=acme.rec")).toEqual({
    kind: "nats",
    servers: "nats.internal:4333",
    user: "u",
    pass: "p@ss",
    stream: "REC",
    prefix: "acme.rec",
  });
  expect(parseBusUrl("nats://s3cr3t@n")).toMatchObject({ token: "s3cr3t" });
  expect(() => parseBusUrl("nats://n?prefix=a.*")).toThrow(/prefix/);
  expect(() => parseBusUrl("nats://n/path")).toThrow(/no path/);
});

test("AMQP URLs: the exchange comes out of the query, the rest is the broker's connection URL", () => {
  expect(parseBusUrl("amqp://guest:guest@127.0.0.1:5672/vh?exchange=rec")).toEqual({
    kind: "amqp",
    url: "amqp://guest:guest@127.0.0.1:5672/vh",
    exchange: "rec",
  });
  expect(parseBusUrl("amqps://mq")).toMatchObject({ exchange: "livehook" });
  expect(() => parseBusUrl("amqp://mq?heartbeat=10")).toThrow(/unknown query parameter "heartbeat"/);
  expect(() => parseBusUrl("http://x")).toThrow(/nats:\/\/, amqp:\/\/ or amqps:\/\//);
  expect(() => parseBusUrl("not a url")).toThrow(/not a URL/);
});

test("names and errors never carry credentials", () => {
  expect(targetName(new URL("amqp://guest:secret@mq:5672/vh?exchange=x"))).toBe("amqp://mq:5672/vh");
  expect(targetName(new URL("https://user:pw@hooks.example.com/in?token=t"))).toBe("https://hooks.example.com/in");
  expect(errorText(new Error("connect to amqp://guest:secret@mq:5672 failed"))).toBe(
    "connect to amqp://***@mq:5672 failed",
  );
});

test("subject tokens and the message of an event", () => {
  expect(topicToken("RECORD_FILE_COMPLETE")).toBe("RECORD_FILE_COMPLETE");
  expect(topicToken("a.b *>#c")).toBe("a_b____c");
  expect(topicToken(null)).toBe("unknown");
  const message = busMessage(forwardTask(5, { eventType: null, anomaly: { kind: "forged_variant", otherEventId: 4 } }));
  expect(message.topic).toBe("huawei-live.unknown");
  expect(message.headers).toMatchObject({ "livehook-event-type": "", "livehook-anomaly": "forged_variant:4" });
});
