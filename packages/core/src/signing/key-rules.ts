/**
 * Key checks. Misuse (no keys, an empty key, a key that is not a string) is a programming or configuration error
 * and throws TypeError (STYLE habit 10); the format rules of D5 are offered separately, as values, for config
 * validation in the apps.
 */

export type KeyCheck = { ok: true } | { ok: false; reason: string };

const HUAWEI_LIVE_KEY = /^[A-Za-z0-9]{32,128}$/;

/** D5: Huawei Live callback keys are 32–128 letters and digits. */
export function checkHuaweiLiveKey(key: string): KeyCheck {
  if (typeof key !== "string") return { ok: false, reason: "key must be a string" };
  if (HUAWEI_LIVE_KEY.test(key)) return { ok: true };
  return { ok: false, reason: "key must be 32 to 128 letters and digits" };
}

/** D5: SparkRTC `auth_key` is 32–64 characters (the console rule; the API example's 16 characters is not). */
export function checkHuaweiRtcKey(key: string): KeyCheck {
  if (typeof key !== "string") return { ok: false, reason: "key must be a string" };
  if (key.length >= 32 && key.length <= 64) return { ok: true };
  return { ok: false, reason: "key must be 32 to 64 characters" };
}

/** Throws TypeError unless `key` is a non-empty string. */
export function assertKey(key: unknown, caller: string, what: string | number = "key"): asserts key is string {
  if (typeof key !== "string" || key.length === 0) {
    const name = typeof what === "number" ? `keys[${what}]` : what;
    throw new TypeError(`${caller}: ${name} must be a non-empty string`);
  }
}

/** Throws TypeError unless `keys` is a non-empty list of non-empty strings. */
export function assertKeyList(keys: readonly string[], caller: string): void {
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new TypeError(`${caller}: at least one key is required`);
  }
  for (let i = 0; i < keys.length; i++) assertKey(keys[i], caller, i);
}
