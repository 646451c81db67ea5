import { AliyunLiveRecordStatusCallback, HuaweiLiveRecordCallback } from "@livehook/core";
import fc from "fast-check";
import { expect, test } from "vitest";
import { knownKeys, validateBody } from "./validate-body.js";

test("validating the object half gives the full schema's verdict", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.jsonValue(),
        fc.record(
          {
            project_id: fc.oneof(fc.string(), fc.integer()),
            task_id: fc.string(),
            event_type: fc.constantFrom("RECORD_OVER", "RECORD_NEW_FILE_START", "NOPE"),
            publish_domain: fc.string(),
            app: fc.string(),
            stream: fc.string(),
            file_size: fc.oneof(fc.integer(), fc.string()),
            extra: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
      ),
      (body) => {
        for (const schema of [HuaweiLiveRecordCallback, AliyunLiveRecordStatusCallback]) {
          const validation = validateBody(schema, body);
          const full = schema.safeParse(body);
          expect(validation.valid).toBe(full.success);
          // An invalid body keeps zod's issues; a valid one has none.
          expect(validation.issues.length === 0).toBe(full.success);
        }
      },
    ),
    { numRuns: 500 },
  );
});

test("known keys come from the object half and unknown fields are listed", () => {
  expect(knownKeys(HuaweiLiveRecordCallback)?.has("task_id")).toBe(true);
  const v = validateBody(AliyunLiveRecordStatusCallback, {
    domain: "d",
    app: "a",
    stream: "s",
    event: "record_paused",
    x: 1,
  });
  expect(v).toEqual({ valid: true, issues: [], unknownFields: ["x"] });
});

test("an invalid body keeps zod's issues, by path", () => {
  const v = validateBody(HuaweiLiveRecordCallback, {
    project_id: 7,
    task_id: "t",
    event_type: "RECORD_OVER",
    app: "a",
    stream: "s",
  });
  expect(v.valid).toBe(false);
  expect(v.issues.map((i) => i.path.join("."))).toEqual(["project_id", "publish_domain"]);
  expect(v.unknownFields).toEqual([]);
});
