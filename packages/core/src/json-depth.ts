/**
 * A bound on how deeply a parsed callback body may nest. Every vendor's callback is a flat object (Alibaba's
 * `push_args` adds one level), but a signed body can nest as deep as a body limit allows, and whatever walks it
 * recursively (canonical JSON, zod, JSON.stringify) overflows the stack at a few thousand levels. JSON.parse itself
 * does not recurse in V8 (it parses 1,000,000 levels), so a receiver parses, measures the depth here without
 * recursion, and refuses a deeper body (the livehook receiver answers 400 `too_deeply_nested`) before anything
 * recursive sees it.
 */

/** Levels of arrays and objects a body may have; the top-level object is level 1. Vendors use 2. */
export const MAX_BODY_DEPTH = 32;

/** True when `value` has arrays or objects nested more than `limit` levels deep. Iterative: any depth is safe. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  const pending: object[] = [value];
  const depths: number[] = [1];
  while (pending.length > 0) {
    const node = pending.pop() as object;
    const depth = depths.pop() as number;
    if (depth > limit) return true;
    const children: unknown[] = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (typeof child === "object" && child !== null) {
        pending.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}
