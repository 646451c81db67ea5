/**
 * The two UTC timestamp spellings used by request signing: ISO 8601 with whole seconds (`2024-01-01T00:00:00Z`,
 * Alibaba `Timestamp` and `x-acs-date`) and the compact basic form (`20240101T000000Z`, Huawei `X-Sdk-Date`).
 */

const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?Z$/;
const BASIC_UTC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function toSeconds(m: RegExpExecArray | null): number | undefined {
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  // Date.UTC rolls 2024-02-30 over to March; a round trip rejects impossible calendar values.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  if (h > 23 || mi > 59 || s > 59) return undefined;
  return ms / 1000;
}

/** `YYYY-MM-DDThh:mm:ssZ` (an optional fraction is accepted, D3) → Unix seconds, or undefined. */
export const parseIsoUtc = (text: string): number | undefined => toSeconds(ISO_UTC.exec(text));

/** `YYYYMMDDThhmmssZ` → Unix seconds, or undefined. */
export const parseBasicUtc = (text: string): number | undefined => toSeconds(BASIC_UTC.exec(text));

/** `2024-01-01T00:00:00Z`: whole seconds, as the vendors emit it. */
export const formatIsoUtc = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;

/** `20240101T000000Z`. */
export const formatBasicUtc = (date: Date): string => formatIsoUtc(date).replace(/[-:]/g, "");
