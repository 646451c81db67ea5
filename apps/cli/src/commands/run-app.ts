import { type AppName, aborted, type RunningApp, startApp } from "../app-process.js";
import { assertPortFree } from "../busy-port.js";
import type { CliContext } from "../context.js";
import { DEFAULT_PORTS } from "../env.js";
import { CliError, EXIT } from "../errors.js";
import { forwardingBanner, forwardLine } from "../forward-lines.js";
import { createOutput, type Output } from "../output.js";
import { parseInteger } from "../parse-values.js";
import type { MockOptions, ReceiveOptions } from "./run-app.command.js";

/** An option passed on to the app as it is: the apps own their configuration. */
function forward(flag: string, value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return (typeof value === "string" ? [value] : value).flatMap((v) => [flag, v]);
}

type AppOptions = { host?: string | undefined; port?: string | undefined };

/** What a command shows of its app besides its output: lines at start, and app lines it prints its own way. */
type AppDisplay = { banner: (app: RunningApp) => string[]; onLine: (line: string) => boolean };

async function runApp(
  name: AppName,
  opts: AppOptions,
  forwarded: string[],
  defaultPort: number,
  ctx: CliContext,
  display?: (out: Output) => AppDisplay,
) {
  const out = createOutput(ctx);
  const shown = display?.(out);
  const host = opts.host ?? "127.0.0.1";
  const port = opts.port === undefined ? defaultPort : parseInteger(opts.port, "--port", 1, 65535);
  await assertPortFree(host, port, "--port");
  const app = await startApp(ctx, name, {
    args: ["--port", String(port), ...forwarded],
    env: ctx.env,
    output: "inherit",
    host: host === "0.0.0.0" ? "127.0.0.1" : host,
    port,
    ...(shown === undefined ? {} : { onLine: shown.onLine }),
  });
  out.note(out.color.bold(`${name} ready at ${app.url}`) + out.color.dim(" (Ctrl-C to stop)"));
  for (const line of shown?.banner(app) ?? []) out.note(line);
  const code = await Promise.race([app.exited, aborted(ctx.signal).then(() => "stop" as const)]);
  if (code === "stop") {
    await app.stop();
    return;
  }
  throw new CliError(`the ${name} exited with ${code}`, EXIT.failure);
}

export async function runMock(opts: MockOptions, ctx: CliContext) {
  const forwarded = [
    ...forward("--host", opts.host),
    ...forward("--data", opts.data),
    ...forward("--auth", opts.auth),
    ...forward("--domain", opts.domain),
    ...forward("--allowed-hosts", opts.allowedHosts),
    ...forward("--log-level", opts.logLevel),
  ];
  await runApp("mock", opts, forwarded, DEFAULT_PORTS.mock, ctx);
}

export async function runReceive(opts: ReceiveOptions, ctx: CliContext) {
  const forwarded = [
    ...forward("--host", opts.host),
    ...forward("--data", opts.data),
    ...forward("--database-url", opts.databaseUrl),
    ...forward("--config", opts.config),
    ...forward("--allowed-hosts", opts.allowedHosts),
    ...forward("--publish", opts.publish),
    ...forward("--forward-to", opts.forwardTo),
  ];
  // The receiver's `forwarded` log lines become one readable line each (the receiver validates --forward-to).
  await runApp("receiver", opts, forwarded, DEFAULT_PORTS.receiver, ctx, (out) => ({
    banner: (app) => forwardingBanner(out, app.listening),
    onLine: (line) => {
      const shownLine = forwardLine(out, line);
      if (shownLine !== undefined) out.line(shownLine);
      return shownLine !== undefined;
    },
  }));
}
