import { bodySource, readBody } from "../body-input.js";
import type { CliContext } from "../context.js";
import { receiverHookUrl } from "../env.js";
import { CheckFailed, UsageError } from "../errors.js";
import { parseJsonObject } from "../json-text.js";
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
  const to = receiverHookUrl(ctx, opts.receiver, vendor);
  hostOf(to, "--receiver");
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
    const parsed = parseJsonObject(text, `--body ${bodySource(bodyFile)}`);
    // A Huawei Live body from a log carries its old signature: it is signed again.
    const { auth_sign: _s, auth_timestamp: _t, ...rest } = parsed;
    body = vendor === "huawei-live" ? rest : parsed;
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
  const verdict = triggerVerdict(vendor, damage, responses, expected);
  if (opts.json) {
    out.json({
      url: to,
      event,
      damage,
      expected: expected.label,
      verdict: verdict.text,
      pass: verdict.pass,
      responses,
    });
  } else {
    responses.forEach((r, i) => {
      const snippet = r.body.length > 200 ? `${r.body.slice(0, 200)}…` : r.body;
      out.line(`${label(i)} ${event} → ${r.status} in ${Math.round(r.ms)} ms ${out.color.dim(snippet)}`);
    });
    out.line(verdict.pass ? out.color.ok(`✓ ${verdict.text}`) : out.color.bad(`✗ ${verdict.text}`));
  }
  if (!verdict.pass) throw new CheckFailed(`${verdict.text}; a correct receiver answers ${expected.label}`);
}

const DAMAGED: Record<Exclude<Damage, "none" | "oversize">, string> = {
  tamper: "a tampered event",
  expire: "an expired event",
  "wrong-key": "an event signed with a wrong key",
  unsigned: "an unsigned event",
};

/** The receiver's reason, when its reply is livehook's `{"error":"…"}` (or another JSON error). */
function reasonOf(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const error = typeof parsed === "object" && parsed !== null ? (parsed as { error?: unknown }).error : undefined;
    return typeof error === "string" ? error : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the receiver did what a correct receiver does with this (damaged or genuine) event, in words. */
export function triggerVerdict(
  vendor: Vendor,
  damage: Damage,
  responses: readonly CallbackResponse[],
  expected: { accepts: (status: number) => boolean },
): { pass: boolean; text: string } {
  const wrong = responses.find((r) => !expected.accepts(r.status));
  const shown = wrong ?? responses[responses.length - 1];
  const reason = shown === undefined ? "" : reasonOf(shown.body);
  const answer = shown === undefined ? "" : ` (${shown.status}${reason ? ` ${reason}` : ""})`;
  if (damage === "none" || damage === "oversize") {
    const times = responses.length > 1 ? " both times" : "";
    if (damage === "oversize")
      return wrong
        ? { pass: false, text: `accepted an oversized body${answer}` }
        : { pass: true, text: `rejected as expected${answer}` };
    return wrong
      ? { pass: false, text: `refused a correctly signed event${answer}` }
      : { pass: true, text: `accepted${times}, as expected${answer}` };
  }
  if (wrong) return { pass: false, text: `accepted ${DAMAGED[damage]}${answer}` };
  if (damage === "tamper" && vendor === "aliyun-live" && shown !== undefined && shown.status < 400) {
    // Alibaba signs host, time and key only: no receiver can notice a changed body.
    return { pass: true, text: `accepted, as any receiver must: Alibaba signs no body field${answer}` };
  }
  return { pass: true, text: `rejected as expected${answer}` };
}
