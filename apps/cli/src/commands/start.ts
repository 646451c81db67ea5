import { join, resolve } from "node:path";
import type { MockAdminSession } from "@livehook/api-mock/admin";
import { aborted, type RunningApp, startApp } from "../app-process.js";
import { assertPortFree } from "../busy-port.js";
import type { CliContext } from "../context.js";
import { checkDemoKeys, configureMock, DEMO, demoKeys, receiverKeyEnv } from "../demo-setup.js";
import { DEFAULT_PORTS } from "../env.js";
import { CheckFailed, CliError, EXIT, UsageError } from "../errors.js";
import { eventLine, rejectionLine } from "../event-line.js";
import { forwardingBanner, forwardLine } from "../forward-lines.js";
import { createSession, listAllDeliveries } from "../mock-admin.js";
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
  if (mockPort === receiverPort) throw new UsageError(`--mock-port and --receiver-port are both ${mockPort}`);
  const keys = demoKeys(ctx);
  // A key the vendor would refuse fails here, named, rather than as an opaque error from the mock.
  checkDemoKeys(ctx);
  // The children get a clean slate: a DATABASE_URL meant for something else must not redirect the receiver.
  const { DATABASE_URL: _db, ...baseEnv } = ctx.env;
  const apps: RunningApp[] = [];
  // Ends the event tail and the demo watcher on every way out, so a failure never leaves the command hanging.
  const stopTail = new AbortController();
  const stopAll = async () => {
    await Promise.all(apps.map((a) => a.stop()));
  };

  // Before anything starts: a port someone else holds would otherwise answer for an app this command did not start.
  await assertPortFree(host, mockPort, "--mock-port");
  await assertPortFree(host, receiverPort, "--receiver-port");
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
        portFlag: "--mock-port",
      }),
      startApp(ctx, "receiver", {
        args: [
          "--port",
          String(receiverPort),
          "--host",
          host,
          "--data",
          join(dataDir, "receiver.db"),
          ...(opts.forwardTo ?? []).flatMap((target) => ["--forward-to", target]),
        ],
        env: { ...baseEnv, ...receiverKeyEnv(keys) },
        output: { logFile: join(dataDir, "logs", "receiver.log") },
        // Each forward to the user's app is one line among the events (the log file keeps the receiver's own).
        onLine: (line) => {
          const shown = forwardLine(out, line);
          if (shown !== undefined) out.line(shown);
          return shown !== undefined;
        },
        host,
        port: receiverPort,
        portFlag: "--receiver-port",
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
    // The demo keys are printed by design (development keys), under the names the receiver reads.
    const keyVariables = Object.entries(receiverKeyEnv(keys)).map(([name, value]) => `${name}=${value}`);
    out.line(out.color.dim(`  keys: ${keyVariables.join(" ")}`));
    for (const line of forwardingBanner(out, receiver.listening)) out.line(line);
    out.line();

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
      onRejection: (r) => out.line(rejectionLine(out, r)),
    });

    const runId = ctx.now().getTime().toString(36);
    const demoSessions: MockAdminSession[] = [];
    for (let i = 0; i < sessions; i++) {
      for (const vendor of VENDORS) {
        const demo = DEMO[vendor];
        const session = await createSession(ctx, mock.url, {
          vendor,
          ...(demo.domain === undefined ? {} : { domain: demo.domain }),
          app: demo.app,
          stream: `demo-${runId}-${i + 1}`,
          segments: 2,
          // Interactively, files finish a few seconds apart so events visibly flow into the inspector;
          // --once wants the whole recording at once.
          ...(opts.once ? {} : { mode: "realtime" as const, segment_seconds: segmentSeconds }),
        });
        demoSessions.push(session);
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
    // Said once the demo's callbacks have all been sent (or given up), while the apps keep running.
    void demoEnded(ctx, mock.url, demoSessions, signal).then(async (delivered) => {
      if (delivered === undefined) return;
      // Let the stream print what is stored (it polls about once a second), bounded.
      const printed = Date.now() + 3000;
      while (seen.length < delivered && Date.now() < printed && !signal.aborted) {
        await new Promise((r) => setTimeout(r, 100));
      }
      if (signal.aborted) return;
      out.line();
      if (demoSessions.length > 0) {
        out.line(
          out.color.bold(
            `the demo recordings are over: ${demoSessions.length} recordings, ${delivered} callbacks delivered, ${seen.length} events stored`,
          ),
        );
      }
      for (const line of nextCommands(ctx.self, mock.url, receiver.url)) out.line(line);
    });
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
    stopTail.abort();
    await stopAll();
  }
}

const DEMO_POLL_MS = 1000;

/**
 * Resolves with the number of callbacks delivered once none of the sessions' deliveries is pending (all sent, or
 * given up after the vendor's retries); undefined when stopped first. A mock that stops answering ends the wait.
 */
async function demoEnded(
  ctx: CliContext,
  mockUrl: string,
  sessions: readonly MockAdminSession[],
  signal: AbortSignal,
): Promise<number | undefined> {
  while (!signal.aborted) {
    let delivered = 0;
    let settled = true;
    try {
      for (const session of sessions) {
        const deliveries = await listAllDeliveries(ctx, mockUrl, { session_id: session.id });
        // The planned deliveries exist from the session's start; pending ones are still to be sent (or retried).
        if (deliveries.length < session.delivery_count || deliveries.some((d) => d.status === "pending")) {
          settled = false;
        }
        delivered += deliveries.filter((d) => d.status === "success").length;
      }
    } catch {
      // The mock went away (Ctrl-C, or it died): the main loop reports that, not this watcher.
      return undefined;
    }
    if (settled) return delivered;
    await new Promise((r) => setTimeout(r, DEMO_POLL_MS));
  }
  return undefined;
}

/** What to try next against the running apps; the URLs are spelled out only when they are not the defaults. */
export function nextCommands(self: string, mockUrl: string, receiverUrl: string): string[] {
  const mock = mockUrl === `http://127.0.0.1:${DEFAULT_PORTS.mock}` ? "" : ` --mock ${mockUrl}`;
  const receiver = receiverUrl === `http://127.0.0.1:${DEFAULT_PORTS.receiver}` ? "" : ` --receiver ${receiverUrl}`;
  const tailUrl = receiver === "" ? "" : ` --receiver ${receiverUrl}`;
  const commands: [string, string][] = [
    [`${self} simulate --count 5 --drop-rate 0.2${mock}`, "more recordings, with lost callbacks"],
    [`${self} reconcile --redeliver${mock}${receiver}`, "find what the receiver missed and send it again"],
    [`${self} tail${tailUrl}`, "follow the stored events from another terminal"],
    [`${self} huawei callbacks list${mock}`, "the callback configs on the mock"],
    [`${receiverUrl}/`, "the inspector"],
  ];
  const width = Math.max(...commands.map(([command]) => command.length));
  return [
    "next, try:",
    ...commands.map(([command, what]) => `  ${command.padEnd(width)}  ${what}`),
    "Ctrl-C stops the mock and the receiver.",
  ];
}
