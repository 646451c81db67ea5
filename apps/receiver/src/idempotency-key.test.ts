import { describe, expect, it } from "vitest";
import { idempotencyKeys, WINDOW_SLICES } from "./idempotency-key.js";

// The digest inside the keys (canonical JSON, auth fields left out) is tested where it lives: @livehook/core.
describe("idempotencyKeys", () => {
  it("gives an event with identity one key", () => {
    expect(idempotencyKeys("huawei-live", "d", false, 123_456, 60, null)).toEqual(["huawei-live:d"]);
  });

  it("puts the key time first when the body has one", () => {
    expect(idempotencyKeys("huawei-live", "d", false, 0, 60, 1583676745)).toEqual(["huawei-live:t0q6vosp:d"]);
  });

  it("gives an identity-less body the slice of arrival and the next ones", () => {
    const slice = (60 * 1000) / WINDOW_SLICES;
    const keys = idempotencyKeys("aliyun-live", "d", true, 10 * slice + 1, 60, null);
    expect(keys).toEqual(Array.from({ length: WINDOW_SLICES + 1 }, (_, i) => `aliyun-live:d:w${10 + i}`));
  });
});
