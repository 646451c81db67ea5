/**
 * What a message bus target publishes for an event (README "Publishing to a message bus"): the vendor's body,
 * byte for byte, plus `livehook-*` headers with what the receiver learned. One shape for NATS and RabbitMQ.
 */
import { authenticatedOf } from "../api/event-json.js";
import type { ForwardTask } from "../store/types.js";

export type BusMessage = {
  /** The idempotency key: `Nats-Msg-Id` on NATS, `message_id` on RabbitMQ. */
  messageId: string;
  /** `<vendor>.<event type>`, each a safe subject token: the NATS subject after its prefix, the routing key. */
  topic: string;
  headers: Record<string, string>;
  body: Uint8Array;
};

/** NATS subject tokens and AMQP topic words may not hold `.`, `*`, `>`, `#` or whitespace. */
export function topicToken(value: string | null): string {
  const token = (value ?? "").replace(/[^A-Za-z0-9_-]/g, "_");
  return token === "" ? "unknown" : token;
}

/** Every vendor posts its callbacks as JSON; the body is passed on as it arrived. */
export const BUS_CONTENT_TYPE = "application/json";

export function busMessage(task: ForwardTask): BusMessage {
  const s = task.summary;
  const authenticated = authenticatedOf(s);
  const headers: Record<string, string> = {
    "livehook-event-id": String(s.id),
    "livehook-vendor": s.vendor,
    "livehook-event-type": s.eventType ?? "",
    "livehook-received-at": new Date(s.receivedAt).toISOString(),
    "livehook-idempotency-key": task.idemKey,
    "livehook-auth-scope": authenticated.scope,
    "livehook-valid": String(s.valid),
  };
  if (authenticated.scope === "fields") headers["livehook-authenticated-fields"] = authenticated.fields.join(",");
  if (s.anomaly !== null) headers["livehook-anomaly"] = `${s.anomaly.kind}:${s.anomaly.otherEventId}`;
  return {
    messageId: task.idemKey,
    topic: `${topicToken(s.vendor)}.${topicToken(s.eventType)}`,
    headers,
    body: task.rawBody,
  };
}
