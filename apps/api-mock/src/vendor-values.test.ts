import { VENDORS, type Vendor } from "@livehook/core";
import { expect, expectTypeOf, test } from "vitest";
import { MOCK_ADMIN_VENDOR_VALUES, type MockAdminVendor } from "./generated/index.js";

test("the admin document's vendor enum is @livehook/core's vendor list", () => {
  expect([...MOCK_ADMIN_VENDOR_VALUES]).toEqual([...VENDORS]);
  expectTypeOf<MockAdminVendor>().toEqualTypeOf<Vendor>();
});
