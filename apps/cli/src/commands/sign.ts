import { aliyunLiveCallbackHeaders, type HuaweiLiveSignType, huaweiRtcCallbackHeaders } from "@livehook/core";
import { bodySource, readBody } from "../body-input.js";
import type { CliContext } from "../context.js";
import { UsageError } from "../errors.js";
import { parseJsonObject } from "../json-text.js";
import { callbackKeys } from "../keys.js";
import { randomRand, signCallback } from "../outgoing-callback.js";
import { createOutput } from "../output.js";
import { hostOf, parseUnixSeconds } from "../parse-values.js";
import type { Vendor } from "../vendors.js";
import type { SignOptions } from "./sign.command.js";

/** `livehook sign <scheme> [file]`: signs a body the way the vendor would and prints what it would send. */
export async function runSign(scheme: Vendor, file: string | undefined, opts: SignOptions, ctx: CliContext) {
  const out = createOutput(ctx);
  const [key] = callbackKeys(scheme, opts.key, ctx);
  const timestamp = opts.timestamp === undefined ? undefined : parseUnixSeconds(opts.timestamp, "--timestamp");
  const url = opts.url;
  if (scheme === "aliyun-live" && url === undefined && opts.host === undefined) {
    throw new UsageError("aliyun-live signs the callback host: pass --url or --host");
  }
  if (url !== undefined) hostOf(url, "--url");
  // Alibaba does not sign the body, so it is read only when given (never wait on stdin for nothing).
  const needsBody = scheme !== "aliyun-live" || file !== undefined;
  const raw = needsBody ? await readBody(file, ctx) : Buffer.from("{}");
  const signType: HuaweiLiveSignType = opts.signType;

  if (scheme === "huawei-rtc") {
    // The exact bytes are signed: no parse and re-serialize round trip.
    const rand = opts.rand ?? randomRand(ctx.random);
    const ts = timestamp ?? Math.floor(ctx.now().getTime() / 1000);
    const headers = huaweiRtcCallbackHeaders(raw, key as string, { rand, timestamp: ts });
    if (opts.json) out.json({ scheme, headers, signedString: rand + String(ts) + raw.toString("utf8") });
    else for (const [k, v] of Object.entries(headers)) out.line(`${k}: ${v}`);
    return;
  }

  if (scheme === "aliyun-live") {
    // --host is signed exactly as given (to reproduce a sender that signs host:port); --url signs its hostname (D12).
    const host = opts.host ?? new URL(url as string).hostname;
    const ts = timestamp ?? Math.floor(ctx.now().getTime() / 1000);
    const headers = aliyunLiveCallbackHeaders({ host, timestamp: ts, key: key as string });
    if (opts.json) out.json({ scheme, headers, signedString: `${host}|${ts}|${key}` });
    else for (const [k, v] of Object.entries(headers)) out.line(`${k}: ${v}`);
    return;
  }

  const body = parseJsonObject(raw.toString("utf8"), bodySource(file));
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
}
