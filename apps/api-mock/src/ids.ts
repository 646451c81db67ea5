/** Identifier formats (D4) and request ids (§2.1, §4.1). */
import type { Clock } from "@livehook/core";
import type { Random } from "./deps.js";

export const hex = (random: Random, bytes: number): string => random.bytes(bytes).toString("hex");

/**
 * A Huawei Live config id (D4: 32 lowercase hex): 12 hex digits of the creation time in ms, then 20 random ones.
 * Time-ordered ids land at the end of the primary-key index instead of at random places in it, which made the
 * SQLite insert a third cheaper; they remain unguessable.
 */
export const configId = (random: Random, clock: Clock): string =>
  clock.now().getTime().toString(16).padStart(12, "0").slice(-12) + random.bytes(10).toString("hex");

/** Huawei `X-request-id` (D, §2.1): `<32 lowercase hex>-<unix ms>-<mock hostname>`. */
export const huaweiRequestId = (random: Random, clock: Clock, hostname: string): string =>
  `${random.uuid().replaceAll("-", "")}-${clock.now().getTime()}-${hostname}`;

/** Alibaba `RequestId` (D4): upper-case dashed UUID. */
export const aliyunRequestId = (random: Random): string => random.uuid().toUpperCase();

/** 24 lowercase letters and digits: the SparkRTC app id shape (D4). */
export const RTC_APP_ID = /^[a-z0-9]{24}$/;

/** A syntactically valid DNS name (D19 accepts any of these while no domain list is configured). */
export const DOMAIN_NAME =
  /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** `yyyy-mm-ddThh:mm:ssZ` (Huawei Live, Alibaba; D3). */
export const isoSeconds = (d: Date): string => `${d.toISOString().slice(0, 19)}Z`;
/** `2006-01-02T15:04:05.075Z` (SparkRTC; D3). */
export const isoMillis = (d: Date): string => d.toISOString();
