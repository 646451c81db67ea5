import type { CliContext } from "../context.js";
import { hasPath, receiverUrl } from "../env.js";
import { CheckFailed, RECEIVER_NEXT_STEP, UnreachableError, UsageError } from "../errors.js";
import { callbackKeys } from "../keys.js";
import { networkCause } from "../network-error.js";
import { createOutput } from "../output.js";
import { hostOf, parseInteger } from "../parse-values.js";
import { buildCallback, type Damage, expectedOutcome, OVERSIZE_BYTES } from "../probe-requests.js";
import { VENDORS, type Vendor } from "../vendors.js";
import type { DoctorOptions } from "./doctor.command.js";

const FILE_EVENT: Record<Vendor, string> = {
  "huawei-live": "RECORD_FILE_COMPLETE",
  "huawei-rtc": "RECORD_FILE_COMPLETE",
  "aliyun-live": "file_created",
};

type Probe = { name: string; damage: Damage; replayOf?: string; what: string };

const PROBES: readonly Probe[] = [
  { name: "good", damage: "none", what: "a genuine, correctly signed event" },
  { name: "replayed", damage: "none", replayOf: "good", what: "the same bytes again: acknowledge, store once" },
  { name: "tampered", damage: "tamper", what: "a signed field changed after signing" },
  { name: "wrong-key", damage: "wrong-key", what: "signed with another key" },
  { name: "expired", damage: "expire", what: "timestamp an hour old" },
  { name: "unsigned", damage: "unsigned", what: "no signature at all" },
  { name: "oversized", damage: "oversize", what: "a correctly signed body over 1 MiB" },
];

type Row = { probe: string; expected: string; actual: string; pass: boolean; what: string };

/** The vendor from `--vendor`, else from a `/hooks/<vendor>` path. */
function vendorOf(url: string, flag: Vendor | undefined): Vendor {
  const vendor = flag ?? VENDORS.find((v) => new URL(url).pathname.includes(v));
  if (vendor === undefined) {
    throw new UsageError(
      `cannot tell the vendor from ${url}: pass --vendor (${VENDORS.join(", ")}) or a /hooks/<vendor> URL`,
    );
  }
  return vendor;
}

/** `livehook doctor --receiver URL`: probes a receiver and compares what it did with what it should have done. */
export async function runDoctor(opts: DoctorOptions, ctx: CliContext) {
  const out = createOutput(ctx);
  const given = receiverUrl(ctx, opts.receiver);
  hostOf(given, "--receiver");
  const vendor = vendorOf(given, opts.vendor);
  const url = hasPath(given) ? given : `${given}/hooks/${vendor}`;
  const [key] = callbackKeys(vendor, opts.key, ctx);
  const oversizeBytes =
    opts.maxBody === undefined ? OVERSIZE_BYTES : parseInteger(opts.maxBody, "--max-body", 1) + 1024;
  const seed = `doctor/${ctx.now().toISOString()}/${ctx.random()}`;
  const sent = new Map<string, ReturnType<typeof buildCallback>>();
  const rows: Row[] = [];

  for (const probe of PROBES) {
    const built =
      (probe.replayOf && sent.get(probe.replayOf)) ||
      buildCallback(ctx, {
        vendor,
        event: FILE_EVENT[vendor],
        key: key as string,
        url,
        // Each probe is its own event, so a receiver's deduplication never hides a rejection.
        seed: `${seed}/${probe.name}`,
        damage: probe.damage,
        oversizeBytes,
      });
    sent.set(probe.name, built);
    const expected = expectedOutcome(vendor, probe.damage);
    let actual: string;
    let pass: boolean;
    try {
      const res = await ctx.fetch(url, {
        method: "POST",
        headers: built.headers,
        body: built.body,
        signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(10_000)]),
      });
      await res.arrayBuffer();
      actual = String(res.status);
      pass = expected.accepts(res.status);
    } catch (err) {
      if (rows.length === 0) throw new UnreachableError(url, networkCause(err), RECEIVER_NEXT_STEP);
      // A receiver may cut an oversized upload short: the connection drop is a refusal too.
      actual = `connection closed (${networkCause(err)})`;
      pass = probe.damage === "oversize";
    }
    rows.push({ probe: probe.name, expected: expected.label, actual, pass, what: probe.what });
  }

  if (opts.json) out.json({ url, vendor, probes: rows });
  else {
    out.line(`${out.color.bold("doctor")} ${vendor} receiver at ${url}`);
    out.table(rows, [
      { header: "PROBE", value: (r) => r.probe },
      { header: "EXPECTED", value: (r) => r.expected },
      { header: "ACTUAL", value: (r) => r.actual },
      { header: "RESULT", value: (r) => (r.pass ? out.color.ok("pass") : out.color.bad("FAIL")) },
      { header: "WHAT", value: (r) => r.what },
    ]);
  }
  const failed = rows.filter((r) => !r.pass);
  if (failed.length > 0) {
    throw new CheckFailed(`${failed.length} of ${rows.length} probes failed: ${failed.map((r) => r.probe).join(", ")}`);
  }
}
