import { VENDORS, type Vendor } from "@livehook/core";
import { expect, expectTypeOf, test } from "vitest";
import { RECEIVER_API_VENDOR_VALUES, type ReceiverApiVendor } from "./generated/index.js";

test("the API document's vendor enum is @livehook/core's vendor list", () => {
  expect([...RECEIVER_API_VENDOR_VALUES]).toEqual([...VENDORS]);
  expectTypeOf<ReceiverApiVendor>().toEqualTypeOf<Vendor>();
});
