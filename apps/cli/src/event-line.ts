/** One line per stored event, for `tail` and `start`. */
import type { Output } from "./output.js";
import type { ReceivedEvent, RejectedAttempt } from "./receiver-client.js";

export function eventLine(out: Output, e: ReceivedEvent): string {
  const time = e.receivedAt.slice(11, 19);
  const where = [e.domain, e.app, e.stream].filter((x) => x !== null && x !== "").join("/");
  // Only a signature over the whole body is plain "verified"; named fields or none are worth a second look.
  const verdict = e.verdict === "verified" ? out.color.ok(e.verdict) : out.color.warn(e.verdict);
  const dup = e.duplicates > 0 ? out.color.dim(` (+${e.duplicates} duplicate${e.duplicates > 1 ? "s" : ""})`) : "";
  const invalid = e.valid ? "" : ` ${out.color.bad("schema-invalid")}`;
  const anomaly = e.anomaly
    ? ` ${out.color.bad(`${e.anomaly.kind.replaceAll("_", "-")} of #${e.anomaly.otherEventId}`)}`
    : "";
  return `${out.color.dim(time)} ${e.vendor.padEnd(11)} ${(e.eventType ?? "?").padEnd(24)} ${where} ${verdict}${invalid}${anomaly}${dup} ${out.color.dim(`#${e.id}`)}`;
}

/** One line per rejected delivery, in the columns of eventLine: the status and the receiver's reason. */
export function rejectionLine(out: Output, r: RejectedAttempt): string {
  const time = r.receivedAt.slice(11, 19);
  return `${out.color.dim(time)} ${r.vendor.padEnd(11)} ${out.color.rejected(`rejected ${r.status} ${r.reason}`)} ${out.color.dim(`rejection #${r.id}`)}`;
}

export type EventFilters = { vendor?: string; eventType?: string; domain?: string; app?: string; stream?: string };

export function matches(e: ReceivedEvent, f: EventFilters): boolean {
  if (f.vendor !== undefined && e.vendor !== f.vendor) return false;
  if (f.eventType !== undefined && e.eventType?.toLowerCase() !== f.eventType.toLowerCase()) return false;
  if (f.domain !== undefined && e.domain !== f.domain) return false;
  if (f.app !== undefined && e.app !== f.app) return false;
  if (f.stream !== undefined && e.stream !== f.stream) return false;
  return true;
}
