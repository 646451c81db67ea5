import { aliyunLiveCallbackHeaders, type HuaweiLiveSignType, huaweiRtcCallbackHeaders } from "@livehook/core";
import { readBody } from "../body-input.js";
import type { CommandRun } from "../command-spec.js";
import { UsageError } from "../errors.js";
import { callbackKeys } from "../keys.js";
import { randomRand, signCallback } from "../outgoing-callback.js";
import { createOutput } from "../output.js";
import { hostOf, optionalString, parseUnixSeconds } from "../parse-values.js";
import { isVendor, VENDORS } from "../vendors.js";

/** `livehook sign <scheme> [file]`: signs a body the way the vendor would and prints what it would send. */
export const signCommand: CommandRun = async ({ args, opts }, ctx) => {
  const out = createOutput(ctx);
  const scheme = String(args[0]);
  if (!isVendor(scheme)) throw new UsageError(`unknown scheme "${scheme}"; expected one of ${VENDORS.join(", ")}`);
  const [key] = callbackKeys(scheme, opts.key, ctx);
  const timestampText = optionalString(opts.timestamp);
  const timestamp = timestampText === undefined ? undefined : parseUnixSeconds(timestampText, "--timestamp");
  const url = optionalString(opts.url);
  if (scheme === "aliyun-live" && url === undefined && opts.host === undefined) {
    throw new UsageError("aliyun-live signs the callback host: pass --url or --host");
  }
  if (url !== undefined) hostOf(url, "--url");
  // Alibaba does not sign the body, so it is read only when given (never wait on stdin for nothing).
  const needsBody = scheme !== "aliyun-live" || args[1] !== undefined;
  const raw = needsBody ? await readBody(optionalString(args[1]), ctx) : Buffer.from("{}");
  const signType = (optionalString(opts.signType) ?? "HMACSHA256") as HuaweiLiveSignType;

  if (scheme === "huawei-rtc") {
    // The exact bytes are signed: no parse and re-serialize round trip.
    const rand = optionalString(opts.rand) ?? randomRand(ctx.random);
    const ts = timestamp ?? Math.floor(ctx.now().getTime() / 1000);
    const headers = huaweiRtcCallbackHeaders(raw, key as string, { rand, timestamp: ts });
    if (opts.json) out.json({ scheme, headers, signedString: rand + String(ts) + raw.toString("utf8") });
    else for (const [k, v] of Object.entries(headers)) out.line(`${k}: ${v}`);
    return;
  }

  if (scheme === "aliyun-live") {
    // --host is signed exactly as given (to reproduce a sender that signs host:port); --url signs its hostname (D12).
    const host = optionalString(opts.host) ?? new URL(url as string).hostname;
    const ts = timestamp ?? Math.floor(ctx.now().getTime() / 1000);
    const headers = aliyunLiveCallbackHeaders({ host, timestamp: ts, key: key as string });
    if (opts.json) out.json({ scheme, headers, signedString: `${host}|${ts}|${key}` });
    else for (const [k, v] of Object.entries(headers)) out.line(`${k}: ${v}`);
    return;
  }

  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw.toString("utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new SyntaxError("not an object");
    body = parsed as Record<string, unknown>;
  } catch {
    throw new UsageError("the body must be a JSON object");
  }
  delete body.auth_sign;
  delete body.auth_timestamp;
  const signed = signCallback(scheme, body, {
    key: key as string,
    now: ctx.now(),
    url: "http://127.0.0.1/",
    signType,
    ...(timestamp === undefined ? {} : { timestamp }),
  });
  const sent = JSON.parse(signed.body) as { auth_sign: string; auth_timestamp: number };
  if (opts.json) {
    out.json({ scheme, signType, auth_sign: sent.auth_sign, auth_timestamp: sent.auth_timestamp, body: signed.body });
  } else if (opts.signatureOnly) out.line(sent.auth_sign);
  else out.line(signed.body);
};
