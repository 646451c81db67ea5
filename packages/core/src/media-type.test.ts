import { describe, expect, it } from "vitest";
import { isJsonMediaType } from "./media-type.js";

describe("isJsonMediaType", () => {
  it("accepts application/json and application/…+json, with parameters and in any case", () => {
    for (const type of [
      "application/json",
      "application/json; charset=utf-8",
      "Application/JSON;charset=UTF-8",
      "application/json ; charset=utf-8",
      "application/merge-patch+json; charset=utf-8",
      "application/vnd.api+json",
      " application/json",
    ])
      expect(isJsonMediaType(type)).toBe(true);
  });

  it("refuses other types, look-alikes and a missing header", () => {
    for (const type of [
      undefined,
      "",
      "text/json",
      "application/jsonp",
      "application/json-seq",
      "application/x-www-form-urlencoded",
      "application/+json",
      "text/plain; application/json",
    ])
      expect(isJsonMediaType(type)).toBe(false);
  });
});
