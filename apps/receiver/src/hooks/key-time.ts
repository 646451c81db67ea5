/**
 * The time an event's own fields give it, used to order idempotency keys (docs/receiver-internals.md "Idempotency keys"). It comes from
 * the body, never from the signature, so a retry re-signed later has the same one. Keys that start with it are
 * written next to the keys of the events around them instead of at a random place in the key index: one commit
 * then dirties a few index pages rather than one per event, which was most of what each commit wrote to disk.
 */
import type { Vendor } from "@livehook/core";
import { field, text } from "./vendor-hook.js";

/** Any key time fits in this many base-36 digits (36^7 s is past the year 4400), so keys sort by time. */
const DIGITS = 7;
const MAX_SECONDS = 36 ** DIGITS - 1;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;

function isoSeconds(value: string | null): number | null {
  if (value === null || !ISO_UTC.test(value)) return null;
  return checked(Math.floor(Date.parse(value) / 1000));
}

function unixSeconds(value: unknown): number | null {
  return typeof value === "number" ? checked(Math.floor(value)) : null;
}

const checked = (s: number): number | null => (Number.isSafeInteger(s) && s >= 0 && s <= MAX_SECONDS ? s : null);

/** Seconds since the epoch from the event's end (or start) time, or null when the body has none. */
export function keyTime(vendor: Vendor, body: unknown): number | null {
  if (vendor === "aliyun-live") return unixSeconds(field(body, "stop_time")) ?? unixSeconds(field(body, "start_time"));
  return isoSeconds(text(body, "end_time")) ?? isoSeconds(text(body, "start_time"));
}

/** The key prefix for a key time: fixed width, so text order is time order. */
export const keyTimePrefix = (seconds: number): string => `t${seconds.toString(36).padStart(DIGITS, "0")}`;
