import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import type { z } from "zod";
import * as generated from "./generated/index.js";

type Node = Record<string, unknown>;
type Case = { name: string; schemaName: string; example: unknown };

const REF = "#/components/schemas/";
const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null;

/** Examples sit on schemas, on media types beside a `$ref` schema, and in named `examples` maps: collect them all. */
function collect(node: unknown, where: string, into: Case[], schemaName?: string): void {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) collect(item, `${where}[${i}]`, into);
    return;
  }
  if (!isNode(node)) return;
  const schema = node.schema;
  const name =
    schemaName ?? (isNode(schema) && typeof schema.$ref === "string" ? schema.$ref.slice(REF.length) : undefined);
  if (name && !name.includes("/")) {
    if ("example" in node) into.push({ name: `${where} example`, schemaName: name, example: node.example });
    const examples = node.examples;
    if (Array.isArray(examples))
      for (const [i, example] of examples.entries()) {
        into.push({ name: `${where} examples[${i}]`, schemaName: name, example });
      }
    else if (isNode(examples)) {
      for (const [key, value] of Object.entries(examples)) {
        if (isNode(value) && "value" in value)
          into.push({ name: `${where} examples.${key}`, schemaName: name, example: value.value });
      }
    }
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === "example" || key === "examples") continue;
    const inSchemas = where.endsWith("components.schemas");
    collect(value, `${where}.${key}`, into, inSchemas ? key : undefined);
  }
}

const exported = generated as unknown as Record<string, z.ZodType | undefined>;
const cases: Case[] = [];
for (const file of generated.OPENAPI_DOCUMENTS) {
  const json = readFileSync(new URL(`../openapi/${file.replace(/\.yaml$/, ".json")}`, import.meta.url), "utf8");
  collect(JSON.parse(json), file, cases);
}

describe("every example written in the documents passes the zod schema generated from them", () => {
  test("the documents carry examples", () => {
    expect(cases.length).toBeGreaterThan(10);
  });
  test.each(cases)("$name", ({ schemaName, example }) => {
    const schema = exported[schemaName];
    expect(schema, `no zod export named ${schemaName}`).toBeDefined();
    const result = schema?.safeParse(example);
    expect(result?.success, JSON.stringify(result?.error?.issues)).toBe(true);
  });
});

describe("the schemas enforce the documented rules", () => {
  test("a Huawei Live create request gets the vendor defaults", () => {
    const parsed = generated.HuaweiLiveRecordCallbackConfigRequest.parse({
      publish_domain: "push.example.com",
      app: "*",
    });
    expect(parsed.sign_type).toBe("HMACSHA256");
    expect(parsed.notify_event_subscription).toEqual(["RECORD_FILE_COMPLETE"]);
  });
  test("unknown event types and out-of-range lengths are rejected", () => {
    const base = { publish_domain: "push.example.com", app: "live" };
    expect(generated.HuaweiLiveRecordCallbackConfigRequest.safeParse({ ...base, sign_type: "SHA1" }).success).toBe(
      false,
    );
    expect(
      generated.HuaweiLiveRecordCallbackConfigRequest.safeParse({
        ...base,
        notify_event_subscription: ["RECORD_PAUSED"],
      }).success,
    ).toBe(false);
    expect(generated.HuaweiLiveRecordCallbackConfigRequest.safeParse({ ...base, app: "" }).success).toBe(false);
  });
  test("the list page's example reply, which has no sign_type, parses with the page's defaults filled in", () => {
    // Seed 000 (Huawei Live list page), example response, verbatim.
    const parsed = generated.HuaweiLiveListRecordCallbackConfigsResponse.parse({
      total: 1,
      callback_config: [
        {
          id: "e2fe84def7e476651034ec4b9e92bc30",
          publish_domain: "publish.example.com",
          app: "*",
          notify_callback_url: "http://100.95.129.234:8456/base_record_notify",
          notify_event_subscription: ["RECORD_FILE_COMPLETE", "RECORD_NEW_FILE_START"],
          create_time: "2020-03-02T08:59:45Z",
          update_time: "2020-03-09T08:59:45Z",
        },
      ],
    });
    expect(parsed.callback_config[0]?.sign_type).toBe("HMACSHA256");
    expect(parsed.callback_config[0]?.notify_event_subscription).toEqual([
      "RECORD_FILE_COMPLETE",
      "RECORD_NEW_FILE_START",
    ]);
    const bare = generated.HuaweiLiveRecordCallbackConfig.parse({
      id: "e2fe84def7e476651034ec4b9e92bc30",
      publish_domain: "publish.example.com",
      app: "*",
      create_time: "2020-03-02T08:59:45Z",
      update_time: "2020-03-09T08:59:45Z",
    });
    expect(bare.notify_event_subscription).toEqual(["RECORD_FILE_COMPLETE"]);
  });
  test("a create publish_domain is a domain name: 253 characters pass, 254 do not; the list filter allows 255", () => {
    const label = (c: string, n: number) => c.repeat(n);
    const domainOf = (length: number) =>
      `${label("a", 63)}.${label("b", 63)}.${label("c", 63)}.${label("d", length - 192)}`;
    expect(domainOf(253)).toHaveLength(253);
    const create = (publish_domain: string) =>
      generated.HuaweiLiveRecordCallbackConfigRequest.safeParse({ publish_domain, app: "live" }).success;
    expect(create(domainOf(253))).toBe(true);
    expect(create(domainOf(254))).toBe(false);
    const list = (publish_domain: string) =>
      generated.HuaweiLiveListRecordCallbackConfigsQuery.safeParse({ publish_domain }).success;
    expect(list(`${domainOf(253)}xy`)).toBe(true);
    expect(list(`${domainOf(253)}xyz`)).toBe(false);
  });
  test("callback bodies keep fields a vendor adds without notice", () => {
    const body = {
      event_type: "RECORD_OVER",
      publish_domain: "d",
      app: "a",
      stream: "s",
      project_id: "p",
      task_id: "t",
    };
    const parsed = generated.HuaweiLiveRecordCallback.parse({ ...body, brand_new_field: 7 });
    expect(parsed).toMatchObject({ brand_new_field: 7 });
  });
  test("enums are exported as const arrays", () => {
    expect(generated.HUAWEI_LIVE_SIGN_TYPE_VALUES).toEqual(expect.arrayContaining(["MD5", "HMACSHA256"]));
    expect(generated.HUAWEI_LIVE_CALLBACK_EVENT_TYPE_VALUES).toContain("RECORD_START");
    expect(generated.HUAWEI_LIVE_RECORD_EVENT_TYPE_VALUES).not.toContain("RECORD_START");
  });
});
