import type { CliContext } from "../context.js";
import { hasPath, receiverUrl } from "../env.js";
import { CheckFailed, CliError, EXIT, UnreachableError, UsageError } from "../errors.js";
import { callbackKeys } from "../keys.js";
import { expandUrl, type LoadPlan, type LoadResult, runLoad } from "../load/load-run.js";
import { createOutput, type Output } from "../output.js";
import { parseInteger } from "../parse-values.js";
import { isVendor, VENDORS, type Vendor } from "../vendors.js";
import type { LoadOptions } from "./load.command.js";

const DEFAULT_DURATION_SECONDS = 10;

function share(value: string | undefined, option: string): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (value.trim() === "" || !(n >= 0 && n < 1)) {
    throw new UsageError(`${option}: expected a share from 0 to below 1, got "${value}"`);
  }
  return n;
}

function positiveNumber(value: string, option: string, max: number): number {
  const n = Number(value);
  if (value.trim() === "" || !(n > 0 && n <= max)) {
    throw new UsageError(`${option}: expected a number above 0, at most ${max}, got "${value}"`);
  }
  return n;
}

/** The vendors to send: --vendor, else the one the URLs' last path segment names, else all three ({vendor}). */
function vendorsFor(urls: readonly string[], flag: readonly Vendor[] | undefined): Vendor[] {
  const templated = urls.every((u) => u.includes("{vendor}"));
  if (flag !== undefined && flag.length > 0) {
    if (flag.length > 1 && !templated) {
      throw new UsageError("several vendors need a receiver without a path, or a URL with {vendor}");
    }
    return [...flag];
  }
  if (templated) return [...VENDORS];
  const named = urls.map((u) => new URL(u).pathname.split("/").filter(Boolean).at(-1) ?? "");
  const first = named[0] ?? "";
  if (isVendor(first) && named.every((n) => n === first)) return [first];
  throw new UsageError("which vendor? pass --vendor, or a URL ending in /hooks/<vendor> or containing {vendor}");
}

/** Each --receiver: a receiver (no path) gets its /hooks/{vendor}; a URL with a path is a callback URL as given. */
function callbackUrls(ctx: CliContext, flags: readonly string[] | undefined): string[] {
  return (flags ?? [undefined]).map((flag) => {
    const base = receiverUrl(ctx, flag);
    return hasPath(base) ? base : `${base}/hooks/{vendor}`;
  });
}

export function loadPlanFrom(opts: LoadOptions, ctx: CliContext): Omit<LoadPlan, "onProgress"> {
  const urls = callbackUrls(ctx, opts.receiver);
  for (const u of urls) {
    let parsed: URL;
    try {
      parsed = new URL(expandUrl(u, "huawei-live"));
    } catch {
      throw new UsageError(`--receiver: not a URL: "${u}"`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new UsageError(`--receiver: expected an http or https URL, got "${u}"`);
    }
  }
  const vendors = vendorsFor(urls, opts.vendor);
  if (opts.key !== undefined && vendors.length > 1) {
    throw new UsageError(
      "--key applies to one vendor: pick it with --vendor, or set the LIVEHOOK_<VENDOR>_KEY variables",
    );
  }
  const keys = Object.fromEntries(vendors.map((v) => [v, callbackKeys(v, opts.key, ctx)[0] as string])) as Record<
    Vendor,
    string
  >;
  const rate = opts.rate === undefined ? undefined : positiveNumber(opts.rate, "--rate", 1_000_000);
  const count = opts.count === undefined ? undefined : parseInteger(opts.count, "--count", 1);
  const durationSeconds =
    opts.duration !== undefined
      ? positiveNumber(opts.duration, "--duration", 86_400)
      : count === undefined
        ? DEFAULT_DURATION_SECONDS
        : Number.POSITIVE_INFINITY;
  return {
    urls,
    vendors,
    keys,
    rate,
    count: count ?? Number.MAX_SAFE_INTEGER,
    durationMs: durationSeconds * 1000,
    connections: parseInteger(opts.connections ?? 16, "--connections", 1, 1024),
    duplicates: share(opts.duplicates, "--duplicates"),
    retries: parseInteger(opts.retries ?? 0, "--retries", 0, 100),
    retryDelayMs: parseInteger(opts.retryDelay ?? 1000, "--retry-delay", 0, 600_000),
    timeoutMs: positiveNumber(opts.timeout ?? "5", "--timeout", 600) * 1000,
    runId: ctx.now().getTime().toString(36),
    signal: ctx.signal,
    nowMs: () => ctx.now().getTime(),
    random: ctx.random,
  };
}

const fixed = (n: number, digits = 1) => Number(n.toFixed(digits));

/** The `--json` document. */
export function loadReport(plan: Omit<LoadPlan, "onProgress">, result: LoadResult) {
  return {
    urls: plan.urls,
    vendors: plan.vendors,
    rate: plan.rate ?? null,
    connections: plan.connections,
    latencyFrom: plan.rate === undefined ? "send" : "due",
    sent: result.sent,
    events: result.events,
    duplicates: result.duplicates,
    retries: result.retries,
    attempts: result.attempts,
    delivered: result.delivered,
    failed: result.failed,
    elapsedSeconds: fixed(result.elapsedMs / 1000, 3),
    achievedRate: fixed(result.achievedRate),
    statuses: result.statuses,
    latencyMs: result.latencyMs,
  };
}

function printText(out: Output, report: ReturnType<typeof loadReport>): void {
  const b = out.color.bold;
  const target = report.rate === null ? "as fast as answered" : `target ${report.rate}/s`;
  out.line(`${b("rate")}       ${report.achievedRate}/s achieved (${target}, ${report.connections} connections)`);
  out.line(
    `${b("requests")}   ${report.attempts} in ${report.elapsedSeconds} s: ${report.events} events, ` +
      `${report.duplicates} duplicates, ${report.retries} retries`,
  );
  out.line(
    `${b("delivered")}  ${out.color.ok(String(report.delivered))}, failed ${report.failed > 0 ? out.color.bad(String(report.failed)) : "0"}`,
  );
  out.table(report.statuses, [
    { header: "status", value: (s) => String(s.status) },
    { header: "reason", value: (s) => s.reason ?? "" },
    { header: "count", value: (s) => String(s.count) },
  ]);
  const l = report.latencyMs;
  const from = report.latencyFrom === "due" ? "from each request's due time" : "from each send";
  out.line(
    l === null
      ? `${b("latency")}    n/a`
      : `${b("latency")}    p50 ${l.p50} ms, p90 ${l.p90} ms, p99 ${l.p99} ms, max ${l.max} ms (${from})`,
  );
}

/** `livehook load`: a load run against one or more callback URLs, then its summary. */
export async function runLoadCommand(opts: LoadOptions, ctx: CliContext): Promise<void> {
  const out = createOutput(ctx);
  const plan = loadPlanFrom(opts, ctx);
  const result = await runLoad({
    ...plan,
    onProgress: (responses, elapsedMs) =>
      out.status(`load ${responses} answered in ${(elapsedMs / 1000).toFixed(0)} s`),
  });
  out.clearStatus();
  const report = loadReport(plan, result);
  if (opts.json) out.json(report);
  else printText(out, report);
  if (ctx.signal.aborted) throw new CliError("interrupted", EXIT.interrupted);
  if (result.unreachable) throw new UnreachableError(plan.urls.join(", "), result.firstError ?? "no answer");
  if (result.failed > 0)
    throw new CheckFailed(`${result.failed} of ${result.delivered + result.failed} deliveries failed`);
}
