import { type AppName, aborted, startApp } from "../app-process.js";
import { assertPortFree } from "../busy-port.js";
import type { CliContext } from "../context.js";
import { DEFAULT_PORTS } from "../env.js";
import { CliError, EXIT } from "../errors.js";
import { createOutput } from "../output.js";
import { parseInteger } from "../parse-values.js";
import type { MockOptions, ReceiveOptions } from "./run-app.command.js";

/** An option passed on to the app as it is: the apps own their configuration. */
function forward(flag: string, value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return (typeof value === "string" ? [value] : value).flatMap((v) => [flag, v]);
}

type AppOptions = { host?: string | undefined; port?: string | undefined };

async function runApp(name: AppName, opts: AppOptions, forwarded: string[], defaultPort: number, ctx: CliContext) {
  const out = createOutput(ctx);
  const host = opts.host ?? "127.0.0.1";
  const port = opts.port === undefined ? defaultPort : parseInteger(opts.port, "--port", 1, 65535);
  await assertPortFree(host, port, "--port");
  const app = await startApp(ctx, name, {
    args: ["--port", String(port), ...forwarded],
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
}

export async function runMock(opts: MockOptions, ctx: CliContext) {
  const forwarded = [
    ...forward("--host", opts.host),
    ...forward("--data", opts.data),
    ...forward("--auth", opts.auth),
    ...forward("--domain", opts.domain),
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
  ];
  await runApp("receiver", opts, forwarded, DEFAULT_PORTS.receiver, ctx);
}
