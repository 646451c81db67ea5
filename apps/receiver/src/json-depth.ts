/**
 * A bound on how deeply a parsed body may nest (issue 15, item 2). Every vendor's callback is a flat object
 * (Alibaba's `push_args` adds one level), but a signed body can nest as deep as the body limit allows, and the
 * canonical JSON of the idempotency key, zod, JSON.stringify and the API's rendering all recurse: 3,000 levels
 * overflowed the stack. JSON.parse itself does not recurse in V8 (it parses 1,000,000 levels), so the receiver
 * parses, measures the depth here without recursion, and refuses the body (400 `too_deeply_nested`) before
 * anything recursive sees it.
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
