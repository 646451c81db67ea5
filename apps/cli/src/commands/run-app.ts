import { type AppName, aborted, startApp } from "../app-process.js";
import type { CommandRun } from "../command-spec.js";
import { DEFAULT_PORTS } from "../env.js";
import { CliError, EXIT } from "../errors.js";
import { createOutput } from "../output.js";
import { optionalString, parseInteger } from "../parse-values.js";

/** Options forwarded as they are: the apps own their configuration. */
function forwarded(opts: Readonly<Record<string, unknown>>, names: readonly string[]): string[] {
  const args: string[] = [];
  for (const name of names) {
    const key = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const v = opts[key];
    if (Array.isArray(v)) for (const item of v) args.push(`--${name}`, String(item));
    else if (typeof v === "string") args.push(`--${name}`, v);
  }
  return args;
}

function runApp(name: AppName, flags: readonly string[], defaultPort: number): CommandRun {
  return async ({ opts }, ctx) => {
    const out = createOutput(ctx);
    const host = optionalString(opts.host) ?? "127.0.0.1";
    const port = opts.port === undefined ? defaultPort : parseInteger(opts.port, "--port", 1, 65535);
    const app = await startApp(ctx, name, {
      args: ["--port", String(port), ...forwarded(opts, flags)],
      env: ctx.env,
      output: "inherit",
      host: host === "0.0.0.0" ? "127.0.0.1" : host,
      port,
    });
    out.note(out.color.bold(`${name} ready at ${app.url}`) + out.color.dim(" (Ctrl-C to stop)"));
    const code = await Promise.race([app.exited, aborted(ctx.signal).then(() => "stop" as const)]);
    if (code === "stop") {
      await app.stop();
      return;
    }
    throw new CliError(`the ${name} exited with ${code}`, EXIT.failure);
  };
}

export const mockCommand = runApp("mock", ["host", "data", "auth", "domain", "log-level"], DEFAULT_PORTS.mock);
export const receiveCommand = runApp("receiver", ["host", "data", "database-url", "config"], DEFAULT_PORTS.receiver);
