/**
 * `verify` and `verify --explain`: core decides the verdict; this module shows the exact string each key signs and,
 * on a mismatch, recomputes the signature under the usual mistakes to name the one that matches. The mistaken
 * formulas are written here on purpose: they are what a wrong sender does, so core must never offer them.
 */
import { createHash, createHmac } from "node:crypto";
import {
  type CallbackVerdict,
  getHeader,
  type HuaweiLiveSignType,
  huaweiLiveHmacMessage,
  verifyAliyunLiveCallback,
  verifyHuaweiLiveCallback,
  verifyHuaweiRtcCallback,
} from "@livehook/core";
import { DEFAULT_PORTS } from "./env.js";
import { jsonSyntaxError } from "./json-text.js";

export type SignedString = { key: number; text: string; expected: string };

export type CheckReport = {
  verdict: CallbackVerdict;
  /** The exact text each configured key signs (the key itself appears in it for MD5 schemes). */
  signed: SignedString[];
  received: string | undefined;
  /** On a mismatch: the mistakes whose signature matches. On success: warnings worth knowing. */
  findings: string[];
};

const md5 = (text: string) => createHash("md5").update(text).digest("hex");
const hmac = (key: string, text: string | Buffer) => createHmac("sha256", key).update(text).digest("hex");

/** Keys as a careless copy-paste leaves them, each with the story that goes with it. */
function keyVariants(key: string): { key: string; story: string }[] {
  const out: { key: string; story: string }[] = [];
  if (key.trim() !== key) {
    out.push({ key: key.trim(), story: "the key you gave has leading or trailing whitespace; the sender's has none" });
  }
  for (const [suffix, what] of [
    ["\n", "a trailing newline"],
    ["\r\n", "a trailing CRLF"],
    [" ", "a trailing space"],
  ] as const) {
    out.push({ key: key + suffix, story: `the sender's key has ${what} (read from a file or copied with it)` });
  }
  return out;
}

function upperCaseNote(received: string | undefined): string[] {
  return received !== undefined && /[A-F]/.test(received)
    ? [
        "the signature is upper-case hex: accepted here (hex is compared case-insensitively, D7), " +
          "but a receiver comparing strings exactly would reject it; senders should emit lower case",
      ]
    : [];
}

function windowNote(verdict: CallbackVerdict, stamp: number | undefined, now: Date, signatureOk: boolean): string[] {
  if (verdict.ok || (verdict.reason !== "expired" && verdict.reason !== "not_yet_valid") || stamp === undefined) {
    return [];
  }
  const delta = stamp - Math.floor(now.getTime() / 1000);
  const base = `timestamp ${stamp} is ${Math.abs(delta)} s ${delta < 0 ? "in the past" : "in the future"} (now ${now.toISOString()})`;
  const ms = stamp > 1e11 ? "; it looks like milliseconds where seconds are expected" : "";
  return [`${base}${ms}; the signature itself ${signatureOk ? "is right" : "does not match either"}`];
}

function lowerOrUndefined(v: unknown): string | undefined {
  return typeof v === "string" ? v.toLowerCase() : undefined;
}

// ---------------------------------------------------------------- Huawei Live

export type HuaweiLiveCheck = { raw: Buffer; keys: string[]; now: Date; allowMd5: boolean; graceSeconds?: number };

export function checkHuaweiLive(input: HuaweiLiveCheck): CheckReport {
  const signTypes: HuaweiLiveSignType[] = input.allowMd5 ? ["HMACSHA256", "MD5"] : ["HMACSHA256"];
  const opts = { now: input.now, allowedSignTypes: signTypes, graceSeconds: input.graceSeconds };
  const verdict = verifyHuaweiLiveCallback(input.raw, input.keys, opts);
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(input.raw.toString("utf8"));
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      body = parsed as Record<string, unknown>;
  } catch (err) {
    const text = input.raw.toString("utf8");
    return {
      verdict,
      signed: [],
      received: undefined,
      findings: [`the body is not valid JSON: ${jsonSyntaxError(text, err)}`],
    };
  }
  const receivedRaw = typeof body.auth_sign === "string" ? body.auth_sign : undefined;
  const received = lowerOrUndefined(receivedRaw);
  const stamp = typeof body.auth_timestamp === "number" ? body.auth_timestamp : Number(body.auth_timestamp);
  if (!Number.isSafeInteger(stamp)) {
    return { verdict, signed: [], received, findings: ["auth_timestamp is missing or not an integer"] };
  }
  const isMd5 = received?.length === 32;
  const fields = { ...body, auth_timestamp: stamp } as Parameters<typeof huaweiLiveHmacMessage>[0];
  const message = huaweiLiveHmacMessage(fields);
  const signed = input.keys.map((key, i) =>
    isMd5
      ? { key: i, text: key + String(stamp), expected: md5(key + String(stamp)) }
      : { key: i, text: message, expected: hmac(key, message) },
  );
  const atStamp = { ...opts, now: new Date(stamp * 1000) };
  const signatureOk = verifyHuaweiLiveCallback(input.raw, input.keys, atStamp).ok;
  const findings = [...windowNote(verdict, stamp, input.now, signatureOk)];
  if (verdict.ok) return { verdict, signed, received, findings: [...findings, ...upperCaseNote(receivedRaw)] };
  if (verdict.reason !== "bad_signature" || received === undefined) return { verdict, signed, received, findings };

  const s = (v: unknown) => (typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v));
  const pushMessage = s(body.event_type) + s(body.publish_domain) + s(body.app) + s(body.stream) + String(stamp);
  for (const key of input.keys) {
    if (isMd5 && !input.allowMd5 && md5(key + String(stamp)) === received) {
      findings.push(
        "this is a valid MD5 signature, but MD5 is not accepted: pass --allow-md5 (MD5 does not cover the body)",
      );
    }
    if (hmac(key, pushMessage) === received) {
      findings.push(
        "the sender used the Huawei push-callback formula HMAC(event + domain + app + stream + auth_timestamp) " +
          "instead of the recording one HMAC(auth_timestamp + event_type + publish_domain + app + stream + download_url + play_url)",
      );
    }
    if (createHmac("sha256", message).update(key).digest("hex") === received) {
      findings.push("the sender swapped the HMAC key and message");
    }
    if (hmac(key, `${message}null`) === received) {
      findings.push('the sender signed play_url as "null"; an absent play_url contributes "" (D8)');
    }
    for (const v of keyVariants(key)) {
      const candidate = isMd5 ? md5(v.key + String(stamp)) : hmac(v.key, message);
      if (candidate === received) findings.push(v.story);
    }
  }
  return { verdict, signed, received, findings };
}

// ---------------------------------------------------------------- SparkRTC

export type HuaweiRtcCheck = {
  raw: Buffer;
  keys: string[];
  now: Date;
  headers: Record<string, string>;
  toleranceSeconds?: number;
};

function bodyVariants(raw: Buffer): { body: Buffer; story: string }[] {
  const text = raw.toString("utf8");
  const out: { body: Buffer; story: string }[] = [];
  const trimmed = text.replace(/[\r\n]+$/, "");
  if (trimmed !== text) {
    out.push({
      body: Buffer.from(trimmed),
      story: "your body file ends with a newline the sender did not sign (editors add one); use the exact bytes",
    });
  }
  out.push({ body: Buffer.from(`${text}\n`), story: "the sender signed the body with a trailing newline" });
  try {
    const parsed: unknown = JSON.parse(text);
    for (const [indent, how] of [
      [undefined, "compact JSON"],
      [2, "JSON indented by 2 spaces"],
      [4, "JSON indented by 4 spaces"],
    ] as const) {
      const again = JSON.stringify(parsed, null, indent);
      if (again !== text && again !== trimmed) {
        out.push({
          body: Buffer.from(again),
          story: `the body was re-serialized: the signature covers ${how}, not these bytes (sign and verify the raw body)`,
        });
      }
    }
  } catch {
    // Not JSON: only the byte-level variants apply.
  }
  return out;
}

export function checkHuaweiRtc(input: HuaweiRtcCheck): CheckReport {
  const opts = { now: input.now, toleranceSeconds: input.toleranceSeconds };
  const verdict = verifyHuaweiRtcCallback(input.raw, input.headers, input.keys, opts);
  const rand = getHeader(input.headers, "x-rtc-rand") ?? "";
  const ts = getHeader(input.headers, "x-rtc-timestamp") ?? "";
  const receivedRaw = getHeader(input.headers, "x-rtc-signature");
  const received = lowerOrUndefined(receivedRaw);
  const prefix = rand + ts;
  const signed = input.keys.map((key, i) => ({
    key: i,
    text: prefix + input.raw.toString("utf8"),
    expected: createHmac("sha256", key).update(prefix).update(input.raw).digest("hex"),
  }));
  const stampNum = Number(ts);
  const stampSec = stampNum > 1e11 ? Math.floor(stampNum / 1000) : stampNum;
  const signatureOk =
    /^\d+$/.test(ts) &&
    verifyHuaweiRtcCallback(input.raw, input.headers, input.keys, { ...opts, now: new Date(stampSec * 1000) }).ok;
  const findings = windowNote(verdict, /^\d+$/.test(ts) ? stampSec : undefined, input.now, signatureOk);
  if (verdict.ok) return { verdict, signed, received, findings: [...findings, ...upperCaseNote(receivedRaw)] };
  if (verdict.reason !== "bad_signature" || received === undefined) return { verdict, signed, received, findings };

  const sig = (key: string, head: string, body: Buffer) =>
    createHmac("sha256", key).update(head).update(body).digest("hex");
  for (const key of input.keys) {
    for (const v of keyVariants(key)) if (sig(v.key, prefix, input.raw) === received) findings.push(v.story);
    for (const v of bodyVariants(input.raw)) if (sig(key, prefix, v.body) === received) findings.push(v.story);
    if (/^\d+$/.test(ts)) {
      const other = stampNum > 1e11 ? String(Math.floor(stampNum / 1000)) : String(stampNum * 1000);
      if (sig(key, rand + other, input.raw) === received) {
        findings.push(`the sender signed the timestamp as ${other} but sent ${ts} (seconds versus milliseconds)`);
      }
    }
    if (sig(key, ts + rand, input.raw) === received)
      findings.push("the sender signed timestamp + rand instead of rand + timestamp");
  }
  return { verdict, signed, received, findings };
}

// ---------------------------------------------------------------- Alibaba

export type AliyunLiveCheck = {
  keys: string[];
  now: Date;
  headers: Record<string, string>;
  /** The callback URL as configured (`--url`) or just its host (`--host`). */
  url: string | undefined;
  host: string;
  toleranceSeconds?: number;
};

/** Ports a sender may wrongly put in the signed host: the web's, the receiver's default and common dev servers'. */
const LIKELY_PORTS = ["80", "443", String(DEFAULT_PORTS.receiver), "8080", "3000"];

function hostVariants(url: string | undefined, host: string): { host: string; story: string }[] {
  const out: { host: string; story: string }[] = [];
  const hostname = host.replace(/:\d+$/, "");
  const add = (h: string, story: string) => {
    if (h !== host && h !== hostname && !out.some((o) => o.host === h)) out.push({ host: h, story });
  };
  if (url !== undefined) {
    try {
      const u = new URL(url);
      const port = u.port || (u.protocol === "https:" ? "443" : "80");
      add(
        `${u.hostname}:${port}`,
        `the sender signed the host with the port ${port} ("${u.hostname}:${port}"); D12 signs the hostname only`,
      );
      add(
        `${u.protocol}//${u.host}`,
        `the sender signed the URL origin "${u.protocol}//${u.host}" instead of the host`,
      );
      add(url, "the sender signed the whole callback URL instead of its host");
      add(`${u.host}${u.pathname}`, "the sender signed host + path instead of the host");
    } catch {
      // --host was given: only the host spellings below apply.
    }
  }
  for (const other of ["localhost", "127.0.0.1", "0.0.0.0"]) {
    add(
      other,
      `the sender signed the host "${other}": wrong host (it must be the host of the configured callback URL)`,
    );
    for (const port of LIKELY_PORTS) {
      add(`${other}:${port}`, `the sender signed "${other}:${port}": wrong host or port`);
    }
  }
  for (const port of LIKELY_PORTS) {
    add(`${hostname}:${port}`, `the sender signed "${hostname}:${port}": wrong port in the signed host`);
  }
  return out;
}

export function checkAliyunLive(input: AliyunLiveCheck): CheckReport {
  const opts = { now: input.now, host: input.host, toleranceSeconds: input.toleranceSeconds };
  const verdict = verifyAliyunLiveCallback(input.headers, input.keys, opts);
  const ts = getHeader(input.headers, "ali-live-timestamp") ?? "";
  const receivedRaw = getHeader(input.headers, "ali-live-signature");
  const received = lowerOrUndefined(receivedRaw);
  const hostname = input.host.replace(/:\d+$/, "");
  const signed = input.keys.map((key, i) => {
    const text = `${hostname}|${ts}|${key}`;
    return { key: i, text, expected: md5(text) };
  });
  const stamp = /^\d+$/.test(ts) ? Number(ts) : undefined;
  const signatureOk =
    stamp !== undefined &&
    verifyAliyunLiveCallback(input.headers, input.keys, { ...opts, now: new Date(stamp * 1000) }).ok;
  const findings = windowNote(verdict, stamp, input.now, signatureOk);
  if (verdict.ok) return { verdict, signed, received, findings: [...findings, ...upperCaseNote(receivedRaw)] };
  if (verdict.reason !== "bad_signature" || received === undefined) return { verdict, signed, received, findings };

  for (const key of input.keys) {
    for (const v of keyVariants(key)) {
      if (md5(`${hostname}|${ts}|${v.key}`) === received || md5(`${input.host}|${ts}|${v.key}`) === received) {
        findings.push(v.story);
      }
    }
    for (const v of hostVariants(input.url, input.host))
      if (md5(`${v.host}|${ts}|${key}`) === received) findings.push(v.story);
    if (md5(`${ts}|${key}`) === received) {
      findings.push("the sender used the cloud-recording formula MD5(timestamp|key), without the host");
    }
  }
  return { verdict, signed, received, findings };
}
