/**
 * The writer benches' input: the rows the receiver hands its writer for distinct signed bench events, captured
 * from processCallback (the real checks, the instant store), so a writer bench writes exactly what the receiver
 * would.
 */
import { processCallback } from "../src/hooks/receive-callback.js";
import { type EventRow, toEventRow } from "../src/store/sqlite-writer.js";
import type { NewEvent } from "../src/store/types.js";
import { signedBenchEvent } from "./bench-events.js";
import { instantReceiver } from "./instant-receiver.js";

/** `events` rows; `perSecond` of the events end in each second of key time, as in the receiver bench. */
export async function capturedRows(run: string, events: number, perSecond = 1000): Promise<EventRow[]> {
  return (await capturedEvents(run, events, perSecond)).map(toEventRow);
}

/** The events themselves, as the group committer hands them to any store. */
export async function capturedEvents(run: string, events: number, perSecond = 1000): Promise<NewEvent[]> {
  const captured: NewEvent[] = [];
  const { deps, hook, close } = await instantReceiver((batch) => captured.push(...batch));
  const now = Math.floor(Date.now() / 1000);
  const headers = { host: "127.0.0.1:4020", "content-type": "application/json", "user-agent": "wrk" };
  for (let i = 0; i < events; i += 256) {
    const replies = [];
    for (let j = i; j < Math.min(events, i + 256); j++) {
      // As delivered, a completion is sent about when its file ends.
      const second = now + Math.floor(j / perSecond);
      const raw = Buffer.from(signedBenchEvent(run, j, second, second));
      replies.push(processCallback(hook, deps, { raw, headers, receivedAt: new Date(), started: performance.now() }));
    }
    for (const reply of await Promise.all(replies)) {
      if (reply.status !== 200) throw new Error(`processCallback answered ${reply.status}`);
    }
  }
  await close();
  return captured;
}
