/**
 * The event loop's own work per callback, without HTTP or a database: processCallback (verify, parse, validate,
 * facts, idempotency key, group-commit hand-over, metrics) for distinct signed Huawei Live events, against a bare
 * baseline measured in the same run (JSON.parse of the body plus one HMAC-SHA256 over it: the least any verifying
 * receiver does).
 *
 *   npx tsx bench/process-callback.bench.ts [--events 50000] [--rounds 7]
 *
 * The end-to-end bench (receiver.bench.ts) swings by a third between runs on a shared two-core machine; this one
 * runs on one thread and is steady enough to judge a change to the event loop's path (a few per cent). Its store
 * answers every batch at once, so nothing here measures SQLite.
 */
import { createHmac } from "node:crypto";
import { parseArgs } from "node:util";
import { processCallback } from "../src/hooks/receive-callback.js";
import { percentile } from "../test/load.js";
import { BENCH_KEY as KEY, signedBenchEvent } from "./bench-events.js";
import { instantReceiver } from "./instant-receiver.js";

const { values } = parseArgs({
  options: { events: { type: "string", default: "50000" }, rounds: { type: "string", default: "7" } },
});
const EVENTS = Number(values.events);
const ROUNDS = Number(values.rounds);
/** As the group committer hands events over under load (GROUP_COMMIT_MAX_BATCH). */
const CONCURRENT = 32;

const now = Math.floor(Date.now() / 1000);
// 1000 completions sent per second, each as its file ends (and signed for that second, D6).
const bodies = Array.from({ length: EVENTS }, (_, i) => {
  const second = now + Math.floor(i / 1000);
  return Buffer.from(signedBenchEvent("process", i, second, second));
});
const headers = { host: "127.0.0.1:4020", "content-type": "application/json", "content-length": "600" };

const { deps, hook, close } = await instantReceiver();

async function receiver(): Promise<void> {
  for (let i = 0; i < EVENTS; i += CONCURRENT) {
    const replies: Promise<{ status: number }>[] = [];
    for (let j = i; j < Math.min(EVENTS, i + CONCURRENT); j++) {
      const input = { raw: bodies[j] as Buffer, headers, receivedAt: new Date(), started: performance.now() };
      replies.push(processCallback(hook, deps, input));
    }
    for (const reply of await Promise.all(replies)) {
      if (reply.status !== 200) throw new Error(`processCallback answered ${reply.status}`);
    }
  }
}

let sink = 0;
async function bare(): Promise<void> {
  for (let i = 0; i < EVENTS; i += CONCURRENT) {
    // The same batching and one await per batch, so only the per-event work differs.
    for (let j = i; j < Math.min(EVENTS, i + CONCURRENT); j++) {
      const raw = bodies[j] as Buffer;
      const body = JSON.parse(raw.toString()) as { auth_sign: string };
      sink += createHmac("sha256", KEY).update(raw).digest()[0] as number;
      sink += body.auth_sign.length;
    }
    await Promise.resolve();
  }
}

/** CPU µs per event of one pass over all bodies (the receiver's runs see them as new: a fresh id each time). */
async function measure(pass: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await pass();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / EVENTS;
}

await receiver();
await bare();
const rows: { receiver: number; bare: number }[] = [];
for (let r = 0; r < ROUNDS; r++) rows.push({ bare: await measure(bare), receiver: await measure(receiver) });
const median = (xs: number[]) => percentile(xs, 50);
const receiverUs = median(rows.map((r) => r.receiver));
const bareUs = median(rows.map((r) => r.bare));
console.log(
  `processCallback: ${receiverUs.toFixed(2)} µs/event   bare (JSON.parse + HMAC-SHA256): ${bareUs.toFixed(2)} µs/event   ratio ${median(rows.map((r) => r.receiver / r.bare)).toFixed(2)}x   (median of ${ROUNDS} rounds of ${EVENTS} events; per round: ${rows.map((r) => (r.receiver / r.bare).toFixed(2)).join(", ")})`,
);
// Keeps the baseline's results alive, so no part of it can be optimised away.
if (sink === 0) throw new Error("the baseline computed nothing");
await close();
