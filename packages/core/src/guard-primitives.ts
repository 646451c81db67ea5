/**
 * The checks the generated guards (src/generated/*.guards.ts) share, each written to agree with the zod v4
 * check it stands for on every JSON value, and to be stricter, never looser, beyond JSON.
 */

/** As zod's objects test their input: any non-null, non-array object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * As `z.record(z.string(), …)` tests its input: a plain object (zod's `isPlainObject`) without symbol keys, which
 * z.string() refuses as keys. zod only refuses enumerable symbols; refusing them all keeps the guard the stricter.
 */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (!isObject(value)) return false;
  const ctor = value.constructor;
  if (typeof ctor === "function") {
    const prototype: unknown = ctor.prototype;
    if (!isObject(prototype) || !Object.hasOwn(prototype, "isPrototypeOf")) return false;
  }
  return Object.getOwnPropertySymbols(value).length === 0;
}

/** As z.strictObject refuses keys it does not declare: every key `for…in` sees must be known. */
export function hasOnlyKeys(value: Record<string, unknown>, known: ReadonlySet<string>): boolean {
  for (const key in value) if (!known.has(key)) return false;
  return true;
}

/** As z.array checks its items: every index, holes included (as undefined), where `every` would skip them. */
export function everyItem(value: readonly unknown[], test: (item: unknown) => boolean): boolean {
  for (let i = 0; i < value.length; i++) if (!test(value[i])) return false;
  return true;
}

/** As z.record checks its values: every own enumerable string key, except `__proto__`, which zod skips. */
export function everyValue(value: Record<string, unknown>, test: (item: unknown) => boolean): boolean {
  for (const key of Object.keys(value)) {
    if (key !== "__proto__" && !test(value[key])) return false;
  }
  return true;
}
