import { readBody } from "../body-input.js";
import type { CliContext } from "../context.js";
import { CheckFailed, UsageError } from "../errors.js";
import { callbackKeys } from "../keys.js";
import { type CallbackResponse, postCallback } from "../outgoing-callback.js";
import { createOutput } from "../output.js";
import { hostOf } from "../parse-values.js";
import { buildCallback, type Damage, expectedOutcome } from "../probe-requests.js";
import type { Vendor } from "../vendors.js";
import type { TriggerOptions } from "./trigger.command.js";

/** `livehook trigger <vendor> <event> --to URL`: sends one realistic, signed sample event. */
export async function runTrigger(vendor: Vendor, event: string, opts: TriggerOptions, ctx: CliContext) {
  const out = createOutput(ctx);
  const to = opts.to;
  if (to === undefined) throw new UsageError("--to <url> is required");
  hostOf(to, "--to");
  const [key] = callbackKeys(vendor, opts.key, ctx);
  const damages: Damage[] = [];
  if (opts.tamper) damages.push("tamper");
  if (opts.expire) damages.push("expire");
  if (opts.wrongKey) damages.push("wrong-key");
  if (opts.unsigned) damages.push("unsigned");
  if (damages.length > 1) throw new UsageError("choose at most one of --tamper, --expire, --wrong-key, --unsigned");
  const damage = damages[0] ?? "none";
  let body: Record<string, unknown> | undefined;
  const bodyFile = opts.body;
  if (bodyFile !== undefined) {
    const text = (await readBody(bodyFile, ctx)).toString("utf8");
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new UsageError("--body: the file is not valid JSON");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new UsageError("--body: the file must hold a JSON object");
    }
    // A Huawei Live body from a log carries its old signature: it is signed again.
    const { auth_sign: _s, auth_timestamp: _t, ...rest } = parsed as Record<string, unknown>;
    body = vendor === "huawei-live" ? rest : (parsed as Record<string, unknown>);
  }
  const built = buildCallback(ctx, {
    ...(body === undefined ? {} : { body }),
    vendor,
    event,
    key: key as string,
    url: to,
    seed: opts.seed ?? `${ctx.now().toISOString()}/${ctx.random()}`,
    damage,
    signType: opts.signType ?? "HMACSHA256",
    ...(opts.domain === undefined ? {} : { domain: opts.domain }),
    ...(opts.app === undefined ? {} : { app: opts.app }),
    ...(opts.stream === undefined ? {} : { stream: opts.stream }),
  });
  if (built.note) out.note(`note: ${built.note}`);
  if (opts.dryRun) {
    if (opts.json) out.json({ url: to, headers: built.headers, body: built.body });
    else {
      out.line(`POST ${to}`);
      for (const [k, v] of Object.entries(built.headers)) out.line(`${k}: ${v}`);
      out.line();
      out.line(built.body);
    }
    return;
  }
  const sends = opts.replay ? 2 : 1;
  const responses: CallbackResponse[] = [];
  for (let i = 0; i < sends; i++) responses.push(await postCallback(ctx, to, built));
  const expected = expectedOutcome(vendor, damage);
  const label = (i: number) => (i === 0 ? "sent" : "replayed");
  if (opts.json) {
    out.json({ url: to, event, damage, expected: expected.label, responses });
  } else {
    responses.forEach((r, i) => {
      const snippet = r.body.length > 200 ? `${r.body.slice(0, 200)}…` : r.body;
      out.line(`${label(i)} ${event} → ${r.status} in ${Math.round(r.ms)} ms ${out.color.dim(snippet)}`);
    });
  }
  const wrong = responses.find((r) => !expected.accepts(r.status));
  if (wrong) throw new CheckFailed(`receiver answered ${wrong.status}; a correct receiver answers ${expected.label}`);
}
