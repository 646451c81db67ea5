import { join, resolve } from "node:path";
import { aborted, type RunningApp, startApp } from "../app-process.js";
import type { CliContext } from "../context.js";
import { configureMock, DEMO, demoKeys, receiverKeyEnv } from "../demo-setup.js";
import { DEFAULT_PORTS } from "../env.js";
import { CheckFailed, CliError, EXIT } from "../errors.js";
import { eventLine } from "../event-line.js";
import { createSession } from "../mock-admin.js";
import { createOutput } from "../output.js";
import { parseInteger } from "../parse-values.js";
import { followEvents, latestEvents, type ReceivedEvent } from "../receiver-client.js";
import { VENDORS } from "../vendors.js";
import { reconcile } from "./reconcile.js";
import type { StartOptions } from "./start.command.js";

/**
 * `livehook start`, the main job: the mock and the receiver (SQLite) as children, the three callback configs on the
 * mock pointing at the receiver, one demo recording per vendor, then the receiver's events as they arrive.
 * Ctrl-C stops the children cleanly. `--once` stops after the demo's events are in (for CI and smoke tests).
 */
export async function runStart(opts: StartOptions, ctx: CliContext) {
  const out = createOutput(ctx);
  const host = "127.0.0.1";
  const mockPort = parseInteger(opts.mockPort ?? DEFAULT_PORTS.mock, "--mock-port", 1, 65535);
  const receiverPort = parseInteger(opts.receiverPort ?? DEFAULT_PORTS.receiver, "--receiver-port", 1, 65535);
  const dataDir = resolve(ctx.cwd, opts.dataDir ?? ".livehook");
  const sessions = parseInteger(opts.sessions ?? 1, "--sessions", 0, 100);
  const segmentSeconds = parseInteger(opts.segmentSeconds ?? 5, "--segment-seconds", 1, 3600);
  const keys = demoKeys(ctx);
  // The children get a clean slate: a DATABASE_URL meant for something else must not redirect the receiver.
  const { DATABASE_URL: _db, ...baseEnv } = ctx.env;
  const apps: RunningApp[] = [];
  const stopAll = async () => {
    await Promise.all(apps.map((a) => a.stop()));
  };

  try {
    out.note(out.color.dim(`starting the mock and the receiver (logs in ${join(dataDir, "logs")})…`));
    // Both start in parallel; if one fails, the other is stopped too (no orphan left listening).
    const started = await Promise.allSettled([
      startApp(ctx, "mock", {
        args: [
          "--port",
          String(mockPort),
          "--host",
          host,
          ...(opts.persist ? ["--data", join(dataDir, "mock.db")] : []),
        ],
        env: baseEnv,
        output: { logFile: join(dataDir, "logs", "mock.log") },
        host,
        port: mockPort,
      }),
      startApp(ctx, "receiver", {
        args: ["--port", String(receiverPort), "--host", host, "--data", join(dataDir, "receiver.db")],
        env: { ...baseEnv, ...receiverKeyEnv(keys) },
        output: { logFile: join(dataDir, "logs", "receiver.log") },
        host,
        port: receiverPort,
      }),
    ]);
    for (const r of started) if (r.status === "fulfilled") apps.push(r.value);
    const failure = started.find((r) => r.status === "rejected");
    if (failure !== undefined) throw failure.reason;
    const [mock, receiver] = apps as [RunningApp, RunningApp];

    await configureMock(ctx, mock.url, receiver.url, keys);

    out.line(out.color.bold("livehook is running"));
    out.line(`  inspector        ${out.color.ok(`${receiver.url}/`)}`);
    out.line(`  receiver hooks   ${receiver.url}/hooks/huawei-live · /hooks/huawei-rtc · /hooks/aliyun-live`);
    out.line(`  events API       ${receiver.url}/api/events (stream: /api/events/stream)`);
    out.line(
      `  mock, Huawei     ${mock.url}/v1/{project_id}/record/callbacks · ${mock.url}/v2/apps/{app_id}/record-callback`,
    );
    out.line(`  mock, Alibaba    ${mock.url}/ (RPC)`);
    out.line(`  mock admin       ${mock.url}/_mock/sessions · /_mock/deliveries`);
    out.line(
      out.color.dim(
        `  try: livehook simulate --count 5 --drop-rate 0.2 · livehook reconcile --redeliver · livehook tail` +
          `\n  keys: LIVEHOOK_HUAWEI_LIVE_KEY=${keys["huawei-live"]} LIVEHOOK_HUAWEI_RTC_KEY=${keys["huawei-rtc"]} LIVEHOOK_ALIYUN_LIVE_KEY=${keys["aliyun-live"]}`,
      ),
    );
    out.line();

    const stopTail = new AbortController();
    const signal = AbortSignal.any([ctx.signal, stopTail.signal]);
    const seen: ReceivedEvent[] = [];
    // Events stored by earlier runs (the receiver's database persists) are in the inspector; show only new ones.
    const newest = (await latestEvents(ctx, receiver.url, 1))[0]?.id ?? 0;
    const tail = followEvents(ctx, receiver.url, {
      after: newest,
      signal,
      onEvent: (e) => {
        out.line(eventLine(out, e));
        seen.push(e);
      },
    });

    const runId = ctx.now().getTime().toString(36);
    for (let i = 0; i < sessions; i++) {
      for (const vendor of VENDORS) {
        const demo = DEMO[vendor];
        await createSession(ctx, mock.url, {
          vendor,
          ...(demo.domain === undefined ? {} : { domain: demo.domain }),
          app: demo.app,
          stream: `demo-${runId}-${i + 1}`,
          segments: 2,
          // Interactively, files finish a few seconds apart so events visibly flow into the inspector;
          // --once wants the whole recording at once.
          ...(opts.once ? {} : { mode: "realtime" as const, segment_seconds: segmentSeconds }),
        });
      }
    }
    if (opts.once) {
      const limit = parseInteger(opts.timeout ?? 60, "--timeout", 1, 3600) * 1000;
      const deadline = Date.now() + limit;
      // Done when the mock has settled every delivery and the receiver holds each event exactly once.
      let report = await reconcile(ctx, { mockUrl: mock.url, receiverUrl: receiver.url });
      while ((report.pending > 0 || report.missing.length > 0) && Date.now() < deadline && !ctx.signal.aborted) {
        await new Promise((r) => setTimeout(r, 250));
        report = await reconcile(ctx, { mockUrl: mock.url, receiverUrl: receiver.url });
      }
      // Let the stream print what is stored (it polls about once a second), bounded.
      const printed = Date.now() + 3000;
      while (seen.length < report.stored && Date.now() < printed) await new Promise((r) => setTimeout(r, 100));
      stopTail.abort();
      await tail;
      if (ctx.signal.aborted) throw new CliError("interrupted", EXIT.interrupted);
      if (report.missing.length > 0 || report.duplicated.length > 0) {
        throw new CheckFailed(
          `demo: ${report.missing.length} events missing, ${report.duplicated.length} stored twice`,
        );
      }
      out.note(out.color.ok(`all ${report.expected} demo events stored exactly once`));
      return;
    }
    // Until Ctrl-C, or until a child dies (then say which).
    const died = Promise.race(apps.map((a) => a.exited.then((code) => ({ app: a.name, code }))));
    const outcome = await Promise.race([tail.then(() => undefined), died, aborted(ctx.signal).then(() => undefined)]);
    if (outcome !== undefined && !ctx.signal.aborted) {
      throw new CliError(`the ${outcome.app} exited with ${outcome.code}; see ${join(dataDir, "logs")}`, EXIT.failure);
    }
    out.note(out.color.dim("stopping…"));
  } catch (err) {
    // Ctrl-C while the demo is being set up is a normal stop, not a failure (--once wants its verdict).
    if (!(ctx.signal.aborted && !opts.once && apps.length === 2)) throw err;
    out.note(out.color.dim("stopping…"));
  } finally {
    await stopAll();
  }
}
