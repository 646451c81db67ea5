import {
  AliyunLiveRecordStatusCallback,
  HuaweiLiveRecordCallback,
  isAliyunLiveRecordStatusCallback,
  isHuaweiLiveRecordCallback,
} from "@livehook/core";
import fc from "fast-check";
import { expect, test } from "vitest";
import { knownKeys, validateBody } from "./validate-body.js";

const HUAWEI = { schema: HuaweiLiveRecordCallback, accepts: isHuaweiLiveRecordCallback };
const ALIYUN_STATUS = { schema: AliyunLiveRecordStatusCallback, accepts: isAliyunLiveRecordStatusCallback };

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
        for (const pair of [HUAWEI, ALIYUN_STATUS]) {
          const validation = validateBody(pair, body);
          const full = pair.schema.safeParse(body);
          expect(validation.valid).toBe(full.success);
          // A body the guard refuses gets zod's issues; one it accepts has none.
          expect(validation.issues.length === 0).toBe(full.success);
        }
      },
    ),
    { numRuns: 500 },
  );
});

test("known keys come from the object half and unknown fields are listed", () => {
  expect(knownKeys(HuaweiLiveRecordCallback)?.has("task_id")).toBe(true);
  const v = validateBody(ALIYUN_STATUS, {
    domain: "d",
    app: "a",
    stream: "s",
    event: "record_paused",
    x: 1,
  });
  expect(v).toEqual({ valid: true, issues: [], unknownFields: ["x"] });
});

test("a body the guard refuses is validated by zod, whose issues are kept", () => {
  const v = validateBody(HUAWEI, { project_id: 7, task_id: "t", event_type: "RECORD_OVER", app: "a", stream: "s" });
  expect(v.valid).toBe(false);
  expect(v.issues.map((i) => i.path.join("."))).toEqual(["project_id", "publish_domain"]);
  expect(v.unknownFields).toEqual([]);
});

test("a guard that disagrees with zod never makes an invalid body valid: zod has the last word", () => {
  const refusesAll = { schema: HuaweiLiveRecordCallback, accepts: () => false };
  const body = { project_id: "p", task_id: "t", event_type: "RECORD_OVER", publish_domain: "d", app: "a", stream: "s" };
  expect(validateBody(refusesAll, body)).toEqual({ valid: true, issues: [], unknownFields: [] });
});
