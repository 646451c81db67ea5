/**
 * Builds the requests `trigger` and `doctor` send: a realistic event signed by core, then optionally damaged the
 * way an attacker or a broken sender would damage it. Each damage names what a correct receiver must answer.
 */
import type { HuaweiLiveSignType } from "@livehook/core";
import type { CliContext } from "./context.js";
import { randomRand, type SignedCallback, signCallback } from "./outgoing-callback.js";
import { sampleEvent } from "./sample-events.js";
import type { Vendor } from "./vendors.js";

export const DAMAGES = ["none", "tamper", "wrong-key", "expire", "unsigned", "oversize"] as const;
export type Damage = (typeof DAMAGES)[number];

/** How old an expired event is: far beyond every scheme's 300 s window. */
export const EXPIRED_BY_SECONDS = 3600;
/** Default size of the oversized probe: above common 1 MiB body limits. */
export const OVERSIZE_BYTES = 1024 * 1024 + 1024;

export type BuildOptions = {
  vendor: Vendor;
  event: string;
  key: string;
  url: string;
  seed: string;
  damage: Damage;
  signType?: HuaweiLiveSignType;
  oversizeBytes?: number;
  /** Send this body instead of a sample event (it is signed as it is). */
  body?: Record<string, unknown>;
  domain?: string;
  app?: string;
  stream?: string;
};

export type BuiltCallback = SignedCallback & { note?: string };

export function buildCallback(ctx: CliContext, o: BuildOptions): BuiltCallback {
  const now = ctx.now();
  const body: Record<string, unknown> =
    o.body ??
    sampleEvent(o.vendor, o.event, {
      now,
      seed: o.seed,
      ...(o.domain === undefined ? {} : { domain: o.domain }),
      ...(o.app === undefined ? {} : { app: o.app }),
      ...(o.stream === undefined ? {} : { stream: o.stream }),
    }).body;
  if (o.damage === "oversize") body.padding = "x".repeat(o.oversizeBytes ?? OVERSIZE_BYTES);
  const nowSec = Math.floor(now.getTime() / 1000);
  const signed = signCallback(o.vendor, body, {
    key: o.damage === "wrong-key" ? wrongKey(o.key) : o.key,
    now,
    url: o.url,
    rand: randomRand(ctx.random),
    ...(o.signType === undefined ? {} : { signType: o.signType }),
    ...(o.damage === "expire" ? { timestamp: nowSec - EXPIRED_BY_SECONDS } : {}),
  });
  if (o.damage === "tamper") return tamper(o.vendor, signed);
  if (o.damage === "unsigned") return unsigned(o.vendor, signed);
  return signed;
}

/** Same length and alphabet as the real key, so only the value is wrong. */
function wrongKey(key: string): string {
  const reversed = [...key].reverse().join("");
  return reversed === key ? `${key}0` : reversed;
}

/** Changes a field the signature covers (the stream name), keeping the signature. */
function tamper(vendor: Vendor, signed: SignedCallback): BuiltCallback {
  const body = JSON.parse(signed.body) as Record<string, unknown>;
  const field = vendor === "huawei-rtc" ? "stream_name" : "stream";
  body[field] = `${String(body[field])}-tampered`;
  const note =
    vendor === "aliyun-live"
      ? "Alibaba's signature covers host, timestamp and key, not the body: a receiver cannot detect this change"
      : undefined;
  return { body: JSON.stringify(body), headers: signed.headers, ...(note ? { note } : {}) };
}

function unsigned(vendor: Vendor, signed: SignedCallback): BuiltCallback {
  if (vendor === "huawei-live") {
    const { auth_sign: _s, auth_timestamp: _t, ...rest } = JSON.parse(signed.body) as Record<string, unknown>;
    return { body: JSON.stringify(rest), headers: signed.headers };
  }
  return { body: signed.body, headers: { "content-type": "application/json" } };
}

/** What a correct receiver answers to each damage. */
export function expectedOutcome(
  vendor: Vendor,
  damage: Damage,
): { label: string; accepts: (status: number) => boolean } {
  // Huawei counts only HTTP 200 as delivered (D11); Alibaba accepts any 2xx.
  const success =
    vendor === "aliyun-live"
      ? { label: "2xx", accepts: (s: number) => s >= 200 && s < 300 }
      : { label: "200", accepts: (s: number) => s === 200 };
  const reject = { label: "4xx (401)", accepts: (s: number) => s >= 400 && s < 500 };
  switch (damage) {
    case "none":
      return success;
    case "tamper":
      return vendor === "aliyun-live" ? { label: "any (body not signed)", accepts: () => true } : reject;
    case "oversize":
      return { label: "4xx (413)", accepts: (s: number) => s >= 400 && s < 500 };
    default:
      return reject;
  }
}
