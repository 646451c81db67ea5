import { describe, expect, expectTypeOf, it } from "vitest";
import { HUAWEI_LIVE_SIGN_TYPE_VALUES, type HuaweiLiveSignType } from "./generated/huawei-live.schemas.js";
import { HUAWEI_LIVE_SIGN_TYPES, isVendor, VENDORS } from "./vendors.js";

describe("vendors", () => {
  it("knows the three vendors by their URL spelling and nothing else", () => {
    for (const vendor of VENDORS) expect(isVendor(vendor)).toBe(true);
    for (const other of ["huawei", "HUAWEI-LIVE", "", undefined, 1, "__proto__"]) expect(isVendor(other)).toBe(false);
  });

  it("lists the sign types of the OpenAPI contract, the default first", () => {
    expectTypeOf<(typeof HUAWEI_LIVE_SIGN_TYPES)[number]>().toEqualTypeOf<HuaweiLiveSignType>();
    expect([...HUAWEI_LIVE_SIGN_TYPES].sort()).toEqual([...HUAWEI_LIVE_SIGN_TYPE_VALUES].sort());
    expect(HUAWEI_LIVE_SIGN_TYPES[0]).toBe("HMACSHA256");
  });
});
