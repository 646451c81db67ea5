import type { Authenticated } from "@livehook/core";
import { readBody } from "../body-input.js";
import type { CliContext } from "../context.js";
import { CheckFailed, UsageError } from "../errors.js";
import { callbackKeys } from "../keys.js";
import { createOutput } from "../output.js";
import { hostOf, parseHeaders, parseInstant, parseInteger } from "../parse-values.js";
import { type CheckReport, checkAliyunLive, checkHuaweiLive, checkHuaweiRtc } from "../signature-check.js";
import type { Vendor } from "../vendors.js";
import type { VerifyOptions } from "./verify.command.js";

/** What the matching signature vouches for, in words (core's `authenticated`). */
export function coverage(authenticated: Authenticated): string {
  if (authenticated.scope === "body") return "whole body authenticated";
  if (authenticated.scope === "fields") {
    return `only these fields authenticated: ${authenticated.fields.join(", ")}; any other field may have been changed`;
  }
  return "body NOT covered by this scheme";
}

/** `livehook verify <scheme> [file]`: checks a received callback with core; `--explain` shows why it fails. */
export async function runVerify(scheme: Vendor, file: string | undefined, opts: VerifyOptions, ctx: CliContext) {
  const out = createOutput(ctx);
  const keys = callbackKeys(scheme, opts.key, ctx);
  const now = opts.now === undefined ? ctx.now() : parseInstant(opts.now, "--now");
  const tolerance = opts.tolerance === undefined ? undefined : parseInteger(opts.tolerance, "--tolerance", 0);
  const headers = parseHeaders(opts.header);
  // Shortcuts for the signature headers, so a value copied from a log can be passed without its header name.
  const shortcut = (value: string | undefined, header: string) => {
    if (value !== undefined) headers[header] = value;
  };

  let report: CheckReport;
  if (scheme === "huawei-live") {
    const raw = await readBody(file, ctx);
    report = checkHuaweiLive({
      raw,
      keys,
      now,
      allowMd5: opts.allowMd5 === true,
      ...(tolerance === undefined ? {} : { graceSeconds: tolerance }),
    });
  } else if (scheme === "huawei-rtc") {
    shortcut(opts.signature, "x-rtc-signature");
    shortcut(opts.timestamp, "x-rtc-timestamp");
    shortcut(opts.rand, "x-rtc-rand");
    const raw = await readBody(file, ctx);
    report = checkHuaweiRtc({
      raw,
      keys,
      now,
      headers,
      ...(tolerance === undefined ? {} : { toleranceSeconds: tolerance }),
    });
  } else {
    shortcut(opts.signature, "ali-live-signature");
    shortcut(opts.timestamp, "ali-live-timestamp");
    const url = opts.url;
    const host = opts.host ?? (url === undefined ? undefined : hostOf(url, "--url").host);
    if (host === undefined) throw new UsageError("aliyun-live signs the callback host: pass --url or --host");
    report = checkAliyunLive({
      keys,
      now,
      headers,
      url,
      host,
      ...(tolerance === undefined ? {} : { toleranceSeconds: tolerance }),
    });
  }

  const verdict = report.verdict;
  if (opts.json) {
    out.json({ scheme, ...report, signed: opts.explain ? report.signed : undefined });
  } else {
    if (opts.explain) {
      out.line(`${out.color.bold("scheme")}    ${scheme}`);
      for (const s of report.signed) {
        // JSON quoting makes trailing spaces and newlines visible.
        out.line(`${out.color.bold(`signed`)}    key #${s.key}: ${JSON.stringify(s.text)}`);
        out.line(`${out.color.bold("expected")}  key #${s.key}: ${s.expected}`);
      }
      out.line(`${out.color.bold("received")}  ${report.received ?? "(none)"}`);
    }
    if (verdict.ok) {
      out.line(
        `${out.color.ok("ok")}: signature matches key #${verdict.keyIndex} (${coverage(verdict.authenticated)})`,
      );
    } else {
      out.line(`${out.color.bad("rejected")}: ${verdict.reason}`);
    }
    const label = verdict.ok ? "note" : "likely cause";
    if (opts.explain || !verdict.ok) for (const f of report.findings) out.line(`${out.color.warn(label)}: ${f}`);
    if (!verdict.ok && verdict.reason === "bad_signature" && report.findings.length === 0) {
      out.line(
        opts.explain
          ? "no usual mistake matches: check that both sides use the same key"
          : "run again with --explain to see the signed string and the usual mistakes",
      );
    }
  }
  if (!verdict.ok) throw new CheckFailed(`signature rejected: ${verdict.reason}`);
}
