import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";

// Checks the hand-written OpenAPI documents in ../openapi: validity, references, the schema subset the zod
// codegen understands, and the vendor facts that the mock, the receiver and the generated types rely on.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const DOCS = ["huawei-live", "huawei-rtc", "aliyun-live"] as const;
type DocName = (typeof DOCS)[number];
const REST_DOCS = ["huawei-live", "huawei-rtc"] as const;
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asObject(value: unknown, where: string): JsonObject {
  if (!isObject(value)) throw new TypeError(`${where}: expected an object`);
  return value;
}

function asArray(value: unknown, where: string): Json[] {
  if (!Array.isArray(value)) throw new TypeError(`${where}: expected an array`);
  return value as Json[];
}

function loadDoc(name: DocName): JsonObject {
  const text = readFileSync(new URL(`../openapi/${name}.yaml`, import.meta.url), "utf8");
  return asObject(parse(text), name);
}

/** Resolves a local JSON pointer such as `#/components/schemas/X/properties/y`; undefined when it does not exist. */
function resolvePointer(doc: JsonObject, ref: string): Json | undefined {
  if (!ref.startsWith("#/")) return undefined;
  let node: Json | undefined = doc;
  for (const raw of ref.slice(2).split("/")) {
    const token = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (Array.isArray(node)) node = node[Number(token)];
    else if (isObject(node)) node = Object.hasOwn(node, token) ? node[token] : undefined;
    else return undefined;
  }
  return node;
}

/** Follows `$ref` until a non-reference object is reached. */
function deref(doc: JsonObject, value: unknown, where: string): JsonObject {
  let node = asObject(value, where);
  for (let hops = 0; typeof node.$ref === "string"; hops++) {
    if (hops > 20) throw new Error(`${where}: $ref loop`);
    node = asObject(resolvePointer(doc, node.$ref), `${where} -> ${node.$ref}`);
  }
  return node;
}

function collectRefs(node: Json, path: string, out: { ref: string; at: string }[]): void {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) collectRefs(item, `${path}/${i}`, out);
  } else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") out.push({ ref: value, at: path });
      else collectRefs(value, `${path}/${key}`, out);
    }
  }
}

interface Operation {
  kind: "path" | "webhook";
  key: string;
  method: (typeof METHODS)[number];
  op: JsonObject;
  pathItem: JsonObject;
}

function operations(doc: JsonObject): Operation[] {
  const out: Operation[] = [];
  for (const kind of ["path", "webhook"] as const) {
    const container = doc[kind === "path" ? "paths" : "webhooks"];
    if (!isObject(container)) continue;
    for (const [key, item] of Object.entries(container)) {
      const pathItem = asObject(item, key);
      for (const method of METHODS) {
        if (pathItem[method] !== undefined)
          out.push({ kind, key, method, op: asObject(pathItem[method], key), pathItem });
      }
    }
  }
  return out;
}

function findOperation(doc: JsonObject, operationId: string): Operation {
  const found = operations(doc).find((o) => o.op.operationId === operationId);
  if (!found) throw new Error(`operation ${operationId} not found`);
  return found;
}

function responsesOf(doc: JsonObject, op: Operation): Map<string, JsonObject> {
  const responses = asObject(op.op.responses, `${op.key} ${op.method} responses`);
  return new Map(Object.entries(responses).map(([status, r]) => [status, deref(doc, r, `${op.key} ${status}`)]));
}

/** The `$ref` of the application/json schema of a response or request body, or undefined. */
function jsonSchemaRef(body: JsonObject, mediaType = "application/json"): string | undefined {
  const content = body.content;
  if (!isObject(content)) return undefined;
  const media = content[mediaType];
  if (!isObject(media) || !isObject(media.schema)) return undefined;
  const ref = media.schema.$ref;
  return typeof ref === "string" ? ref : undefined;
}

function schemas(doc: JsonObject): JsonObject {
  return asObject(asObject(doc.components, "components").schemas, "components.schemas");
}

function schema(doc: JsonObject, name: string): JsonObject {
  return asObject(schemas(doc)[name], `schema ${name}`);
}

function enumOf(doc: JsonObject, name: string): Json[] {
  return asArray(schema(doc, name).enum, `${name}.enum`);
}

function paramsOf(doc: JsonObject, op: Operation): JsonObject[] {
  const list = [
    ...asArray(op.pathItem.parameters ?? [], "path parameters"),
    ...asArray(op.op.parameters ?? [], "parameters"),
  ];
  return list.map((p, i) => deref(doc, p, `${op.key} parameter ${i}`));
}

const SCHEMA_KEYWORDS = new Set([
  "type",
  "enum",
  "const",
  "minLength",
  "maxLength",
  "pattern",
  "minimum",
  "maximum",
  "minItems",
  "maxItems",
  "uniqueItems",
  "items",
  "properties",
  "required",
  "additionalProperties",
  "$ref",
  "oneOf",
  "anyOf",
  "allOf",
  "format",
  "default",
  "description",
  "example",
  "examples",
  "readOnly",
  "writeOnly",
]);
const SCALAR_TYPES = new Set(["string", "integer", "number", "boolean", "array", "object"]);

/** Reports every use of JSON Schema outside the subset the zod codegen supports. */
function checkSubset(node: Json, where: string, problems: string[]): void {
  if (!isObject(node)) {
    problems.push(`${where}: schema is not an object`);
    return;
  }
  for (const key of Object.keys(node)) if (!SCHEMA_KEYWORDS.has(key)) problems.push(`${where}: keyword ${key}`);
  const { type, pattern, properties, items, additionalProperties, required } = node;
  if (typeof type === "string" && !SCALAR_TYPES.has(type)) problems.push(`${where}: type ${type}`);
  if (Array.isArray(type) && !(type.length === 2 && type[1] === "null" && SCALAR_TYPES.has(String(type[0])))) {
    problems.push(`${where}: type ${JSON.stringify(type)}`);
  }
  if (typeof pattern === "string") {
    try {
      new RegExp(pattern, "u");
    } catch (err) {
      problems.push(`${where}: pattern ${pattern} is not an ECMAScript regex (${String(err)})`);
    }
  }
  if (isObject(properties)) {
    for (const [name, sub] of Object.entries(properties)) checkSubset(sub, `${where}.${name}`, problems);
    if (Array.isArray(required)) {
      for (const name of required) {
        if (typeof name !== "string" || !Object.hasOwn(properties, name)) {
          problems.push(`${where}: required ${String(name)} is not a property`);
        }
      }
    }
  }
  if (items !== undefined) checkSubset(items, `${where}[]`, problems);
  if (isObject(additionalProperties)) checkSubset(additionalProperties, `${where}{}`, problems);
  for (const combinator of ["oneOf", "anyOf", "allOf"] as const) {
    const list = node[combinator];
    if (list === undefined) continue;
    for (const [i, sub] of asArray(list, combinator).entries())
      checkSubset(sub, `${where}.${combinator}[${i}]`, problems);
  }
}

/** Visits a schema and every schema it reaches, following `$ref`s once each. */
function walkSchema(
  doc: JsonObject,
  node: Json,
  visit: (s: JsonObject, where: string) => void,
  where = "",
  seen = new Set<string>(),
): void {
  if (!isObject(node)) return;
  if (typeof node.$ref === "string") {
    if (seen.has(node.$ref)) return;
    seen.add(node.$ref);
    walkSchema(doc, resolvePointer(doc, node.$ref) ?? null, visit, node.$ref, seen);
  }
  visit(node, where);
  if (isObject(node.properties)) {
    for (const [name, sub] of Object.entries(node.properties)) walkSchema(doc, sub, visit, `${where}.${name}`, seen);
  }
  if (node.items !== undefined) walkSchema(doc, node.items, visit, `${where}[]`, seen);
  if (isObject(node.additionalProperties)) walkSchema(doc, node.additionalProperties, visit, `${where}{}`, seen);
  for (const combinator of ["oneOf", "anyOf", "allOf"] as const) {
    const list = node[combinator];
    if (!Array.isArray(list)) continue;
    for (const [i, sub] of list.entries()) walkSchema(doc, sub, visit, `${where}.${combinator}[${i}]`, seen);
  }
}

/** Every schema used by a response of an API operation or a webhook reply. */
function responseSchemas(doc: JsonObject): { at: string; schema: Json }[] {
  const out: { at: string; schema: Json }[] = [];
  for (const op of operations(doc)) {
    for (const [status, response] of responsesOf(doc, op)) {
      if (!isObject(response.content)) continue;
      for (const [mediaType, media] of Object.entries(response.content)) {
        if (isObject(media) && media.schema !== undefined) {
          out.push({ at: `${op.key} ${op.method} ${status} ${mediaType}`, schema: media.schema });
        }
      }
    }
  }
  return out;
}

const docs = Object.fromEntries(DOCS.map((name) => [name, loadDoc(name)])) as Record<DocName, JsonObject>;

describe.each(DOCS)("%s.yaml", (name) => {
  const doc = docs[name];

  test("is a valid OpenAPI 3.1 document", async () => {
    expect(doc.openapi).toBe("3.1.0");
    const validator = new Validator();
    const result = await validator.validate(loadDoc(name));
    expect(result.valid, JSON.stringify(result.errors)).toBe(true);
  });

  test("every $ref resolves, and every schema reference names an existing schema", () => {
    const refs: { ref: string; at: string }[] = [];
    collectRefs(doc, "#", refs);
    expect(refs.length).toBeGreaterThan(0);
    const names = new Set(Object.keys(schemas(doc)));
    const broken = refs.filter(({ ref }) => resolvePointer(doc, ref) === undefined);
    expect(broken).toEqual([]);
    const missing = refs
      .map(({ ref, at }) => ({ name: /^#\/components\/schemas\/([^/]+)/.exec(ref)?.[1], at }))
      .filter((r): r is { name: string; at: string } => r.name !== undefined && !names.has(r.name));
    expect(missing).toEqual([]);
  });

  test("every operation, webhooks included, has a unique operationId", () => {
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(0);
    const ids = ops.map((o) => o.op.operationId);
    for (const [i, id] of ids.entries()) expect(typeof id, `${ops[i]?.key} ${ops[i]?.method}`).toBe("string");
    expect(new Set(ids).size).toBe(ids.length);
  });

  test("has webhooks, each with a JSON body schema from components.schemas", () => {
    const webhookOps = operations(doc).filter((o) => o.kind === "webhook");
    expect(webhookOps.length).toBeGreaterThan(0);
    for (const op of webhookOps) {
      const body = deref(doc, op.op.requestBody, `${op.key} requestBody`);
      expect(jsonSchemaRef(body), op.key).toMatch(/^#\/components\/schemas\/\w+$/);
      expect([...responsesOf(doc, op).keys()]).toContain("200");
    }
  });

  test("component schemas stay inside the JSON Schema subset of the zod codegen", () => {
    const problems: string[] = [];
    for (const [schemaName, s] of Object.entries(schemas(doc))) checkSubset(s, schemaName, problems);
    expect(problems).toEqual([]);
  });

  test("response schemas carry no defaults but those a vendor page states, and callback bodies allow unknown fields", () => {
    // A default in a response schema lets a parse fill in what a reply left out, so it hides a mock that omits a
    // field. It is allowed only where the vendor's own page states the default for a reply field.
    const pageDefaults: Record<DocName, string[]> = {
      "huawei-live": [
        "#/components/schemas/HuaweiLiveRecordCallbackConfig.notify_event_subscription",
        "#/components/schemas/HuaweiLiveRecordCallbackConfig.sign_type",
      ],
      "huawei-rtc": [],
      "aliyun-live": [],
    };
    const withDefault = new Set<string>();
    for (const { schema: s } of responseSchemas(doc)) {
      walkSchema(doc, s, (node, where) => {
        if (Object.hasOwn(node, "default")) withDefault.add(where);
      });
    }
    expect([...withDefault].sort()).toEqual(pageDefaults[name]);
    for (const op of operations(doc).filter((o) => o.kind === "webhook")) {
      const ref = jsonSchemaRef(deref(doc, op.op.requestBody, op.key));
      const body = deref(doc, { $ref: ref }, op.key);
      expect(body.additionalProperties, op.key).toBe(true);
    }
  });

  test("every error response has a JSON error body from components.schemas", () => {
    for (const op of operations(doc).filter((o) => o.kind === "path")) {
      for (const [status, response] of responsesOf(doc, op)) {
        if (/^2/.test(status)) continue;
        expect(jsonSchemaRef(response), `${op.op.operationId} ${status}`).toMatch(/ErrorResponse$/);
      }
    }
  });
});

test("schema names are unique across the three documents", () => {
  const all = DOCS.flatMap((name) => Object.keys(schemas(docs[name])));
  expect(all.length).toBeGreaterThan(0);
  expect(all.filter((n, i) => all.indexOf(n) !== i)).toEqual([]);
  const prefixes: Record<DocName, RegExp> = {
    "huawei-live": /^Huawei(Live|Apig)/,
    "huawei-rtc": /^HuaweiRtc/,
    "aliyun-live": /^AliyunLive/,
  };
  for (const name of DOCS) {
    for (const schemaName of Object.keys(schemas(docs[name]))) expect(schemaName, name).toMatch(prefixes[name]);
  }
});

describe.each(REST_DOCS)("%s.yaml REST responses", (name) => {
  test("every response declares the required request-id header", () => {
    const doc = docs[name];
    for (const op of operations(doc).filter((o) => o.kind === "path")) {
      for (const [status, response] of responsesOf(doc, op)) {
        const headers = asObject(response.headers ?? {}, "headers");
        const entry = Object.entries(headers).find(([h]) => h.toLowerCase() === "x-request-id");
        expect(entry, `${op.op.operationId} ${status}`).toBeDefined();
        if (entry) expect(deref(doc, entry[1], `${op.op.operationId} ${status} header`).required).toBe(true);
      }
    }
  });
});

describe("huawei-live.yaml facts", () => {
  const doc = docs["huawei-live"];
  const list = "/v1/{project_id}/record/callbacks";
  const item = "/v1/{project_id}/record/callbacks/{id}";
  const expected = [
    { id: "listRecordCallbackConfigs", key: list, method: "get", ok: "200", errors: ["400", "500"] },
    { id: "createRecordCallbackConfig", key: list, method: "post", ok: "201", errors: ["400", "500"] },
    { id: "showRecordCallbackConfig", key: item, method: "get", ok: "200", errors: ["404", "500"] },
    { id: "updateRecordCallbackConfig", key: item, method: "put", ok: "200", errors: ["400", "500"] },
    { id: "deleteRecordCallbackConfig", key: item, method: "delete", ok: "204", errors: ["400", "500"] },
  ] as const;

  test.each(expected)("$id is $method $key with $ok", ({ id, key, method, ok, errors }) => {
    const op = findOperation(doc, id);
    expect([op.kind, op.key, op.method]).toEqual(["path", key, method]);
    const responses = responsesOf(doc, op);
    expect([...responses.keys()]).toEqual(expect.arrayContaining([ok, ...errors, "401"]));
    for (const status of errors) {
      expect(jsonSchemaRef(responses.get(status) ?? {})).toBe("#/components/schemas/HuaweiLiveErrorResponse");
    }
    expect(jsonSchemaRef(responses.get("401") ?? {})).toBe("#/components/schemas/HuaweiApigErrorResponse");
  });

  test("success bodies: list, object, and an empty 204", () => {
    const created = responsesOf(doc, findOperation(doc, "createRecordCallbackConfig")).get("201") ?? {};
    expect(jsonSchemaRef(created)).toBe("#/components/schemas/HuaweiLiveRecordCallbackConfig");
    const listed = responsesOf(doc, findOperation(doc, "listRecordCallbackConfigs")).get("200") ?? {};
    expect(jsonSchemaRef(listed)).toBe("#/components/schemas/HuaweiLiveListRecordCallbackConfigsResponse");
    const deleted = responsesOf(doc, findOperation(doc, "deleteRecordCallbackConfig")).get("204") ?? {};
    expect(deleted.content).toBeUndefined();
    const page = schema(doc, "HuaweiLiveListRecordCallbackConfigsResponse");
    expect(page.required).toEqual(["total", "callback_config"]);
  });

  test("the list query is a component schema its parameters reference, with ranges and defaults", () => {
    const query = asObject(schema(doc, "HuaweiLiveListRecordCallbackConfigsQuery").properties, "query");
    expect(Object.keys(query)).toEqual(["publish_domain", "app", "offset", "limit"]);
    expect(query.offset).toMatchObject({ type: "integer", minimum: 0, maximum: 4096, default: 0 });
    expect(query.limit).toMatchObject({ type: "integer", minimum: 1, maximum: 100, default: 10 });
    const params = asArray(findOperation(doc, "listRecordCallbackConfigs").op.parameters, "list parameters");
    for (const p of params.map((x) => asObject(x, "parameter"))) {
      expect(asObject(p.schema, String(p.name)).$ref).toBe(
        `#/components/schemas/HuaweiLiveListRecordCallbackConfigsQuery/properties/${String(p.name)}`,
      );
    }
  });

  test("the injected server failure is a 500 LIVE.103011021; unknown paths are the gateway's 404 APIG.0101", () => {
    const responses = asObject(asObject(doc.components, "components").responses, "responses");
    const failure = deref(doc, responses.InternalServerError, "InternalServerError");
    expect(jsonSchemaRef(failure)).toBe("#/components/schemas/HuaweiLiveErrorResponse");
    const media = asObject(asObject(failure.content, "content")["application/json"], "media");
    expect(asObject(media.example, "example").error_code).toBe("LIVE.103011021");
    expect(enumOf(doc, "HuaweiLiveErrorCode")).toContain("LIVE.103011021");
    const notFound = deref(doc, responses.ApiNotFound, "ApiNotFound");
    expect(jsonSchemaRef(notFound)).toBe("#/components/schemas/HuaweiApigErrorResponse");
    const nfMedia = asObject(asObject(notFound.content, "content")["application/json"], "media");
    expect(asObject(nfMedia.example, "example").error_code).toBe("APIG.0101");
  });

  test("list query parameters have the documented ranges and defaults", () => {
    const params = paramsOf(doc, findOperation(doc, "listRecordCallbackConfigs"));
    const query = Object.fromEntries(
      params.filter((p) => p.in === "query").map((p) => [p.name, deref(doc, p.schema, String(p.name))]),
    );
    expect(query).toEqual({
      publish_domain: expect.objectContaining({ type: "string", minLength: 1, maxLength: 255 }),
      app: expect.objectContaining({ type: "string", minLength: 1, maxLength: 128 }),
      offset: expect.objectContaining({ type: "integer", minimum: 0, maximum: 4096, default: 0 }),
      limit: expect.objectContaining({ type: "integer", minimum: 1, maximum: 100, default: 10 }),
    });
    const headers = params.filter((p) => p.in === "header").map((p) => p.name);
    expect(headers).toEqual(expect.arrayContaining(["X-Auth-Token", "Authorization", "X-Sdk-Date", "X-Project-Id"]));
  });

  test("key is write-only and appears in no response schema", () => {
    const request = asObject(schema(doc, "HuaweiLiveRecordCallbackConfigRequest").properties, "request properties");
    expect(asObject(request.key, "key").writeOnly).toBe(true);
    const config = asObject(schema(doc, "HuaweiLiveRecordCallbackConfig").properties, "config properties");
    expect(Object.keys(config)).not.toContain("key");
    const leaks: string[] = [];
    for (const { at, schema: s } of responseSchemas(doc)) {
      walkSchema(doc, s, (node, where) => {
        if (isObject(node.properties) && Object.hasOwn(node.properties, "key")) leaks.push(`${at} ${where}`);
      });
    }
    expect(leaks).toEqual([]);
  });

  test("request defaults and required fields", () => {
    const request = schema(doc, "HuaweiLiveRecordCallbackConfigRequest");
    expect(request.required).toEqual(["publish_domain", "app"]);
    const props = asObject(request.properties, "properties");
    expect(asObject(props.notify_event_subscription, "subscription").default).toEqual(["RECORD_FILE_COMPLETE"]);
    expect(asObject(props.sign_type, "sign_type").default).toBe("HMACSHA256");
    const config = schema(doc, "HuaweiLiveRecordCallbackConfig");
    expect(config.required).toEqual(["id", "publish_domain", "app", "create_time", "update_time"]);
    // The response repeats the defaults the list page states for its items.
    const configProps = asObject(config.properties, "config properties");
    expect(asObject(configProps.notify_event_subscription, "subscription").default).toEqual(["RECORD_FILE_COMPLETE"]);
    expect(asObject(configProps.sign_type, "sign_type").default).toBe("HMACSHA256");
    const time = new RegExp(String(asObject(asObject(config.properties, "p").create_time, "create_time").pattern), "u");
    expect(time.test("2020-03-02T08:59:45Z")).toBe(true);
    expect(time.test("2020-03-02 08:59:45")).toBe(false);
  });

  test("publish_domain: a domain name (at most 253) in create and update, the page's 1–255 in list and replies", () => {
    const lengths = (name: string) => {
      const p = asObject(asObject(schema(doc, name).properties, name).publish_domain, `${name}.publish_domain`);
      return [p.minLength, p.maxLength];
    };
    expect(lengths("HuaweiLiveRecordCallbackConfigRequest")).toEqual([1, 253]);
    expect(lengths("HuaweiLiveListRecordCallbackConfigsQuery")).toEqual([1, 255]);
    expect(lengths("HuaweiLiveRecordCallbackConfig")).toEqual([1, 255]);
  });

  test("enums", () => {
    expect(enumOf(doc, "HuaweiLiveRecordEventType")).toEqual([
      "RECORD_NEW_FILE_START",
      "RECORD_FILE_COMPLETE",
      "RECORD_OVER",
      "RECORD_FAILED",
    ]);
    expect(enumOf(doc, "HuaweiLiveCallbackEventType")).toEqual([
      "RECORD_START",
      ...enumOf(doc, "HuaweiLiveRecordEventType"),
    ]);
    expect(enumOf(doc, "HuaweiLiveSignType")).toEqual(["MD5", "HMACSHA256"]);
    expect(enumOf(doc, "HuaweiLiveRecordFormat")).toEqual(["HLS", "FLV", "MP4"]);
    expect(enumOf(doc, "HuaweiLiveErrorCode")).toEqual(expect.arrayContaining(["LIVE.100011001", "LIVE.103011018"]));
  });

  test("servers, security schemes and the recording callback webhook", () => {
    const server = asObject(asArray(doc.servers, "servers")[0], "server");
    expect(server.url).toBe("https://live.{region}.myhuaweicloud.com");
    const region = asObject(asObject(server.variables, "variables").region, "region");
    expect(region.enum).toEqual(["cn-north-4", "cn-north-1", "cn-east-3", "ap-southeast-2", "ap-southeast-3"]);
    const schemes = asObject(asObject(doc.components, "components").securitySchemes, "securitySchemes");
    expect(schemes.HuaweiAkSk).toMatchObject({ type: "apiKey", in: "header", name: "Authorization" });
    expect(String(asObject(schemes.HuaweiAkSk, "aksk").description)).toContain("SDK-HMAC-SHA256");
    expect(schemes.HuaweiIamToken).toMatchObject({ type: "apiKey", in: "header", name: "X-Auth-Token" });

    const hook = findOperation(doc, "huaweiLiveRecordCallback");
    expect([hook.kind, hook.key, hook.method]).toEqual(["webhook", "recordCallback", "post"]);
    expect(jsonSchemaRef(deref(doc, hook.op.requestBody, "body"))).toBe(
      "#/components/schemas/HuaweiLiveRecordCallback",
    );
    const body = schema(doc, "HuaweiLiveRecordCallback");
    const props = asObject(body.properties, "callback properties");
    expect(Object.keys(props)).toEqual(
      expect.arrayContaining([
        ...["project_id", "job_id", "task_id", "event_type", "publish_domain", "app", "stream", "record_format"],
        ...["download_url", "asset_id", "file_size", "record_duration", "start_time", "end_time", "width"],
        ...["height", "obs_location", "error_message", "auth_sign", "auth_timestamp"],
      ]),
    );
    expect(props.event_type).toEqual({ $ref: "#/components/schemas/HuaweiLiveCallbackEventType" });
    expect(asObject(props.auth_timestamp, "auth_timestamp").type).toBe("integer");
    const signDoc = String(asObject(props.auth_sign, "auth_sign").description);
    expect(signDoc).toContain("MD5(key + auth_timestamp)");
    expect(signDoc).toContain("HMAC-SHA256(key, auth_timestamp + event_type + publish_domain + app +");
  });
});

describe("huawei-rtc.yaml facts", () => {
  const doc = docs["huawei-rtc"];
  const key = "/v2/apps/{app_id}/record-callback";

  test.each([
    ["showRecordCallback", "get", "HuaweiRtcShowRecordCallbackResponse"],
    ["updateRecordCallback", "put", "HuaweiRtcUpdateRecordCallbackResponse"],
  ])("%s is %s with 200/400/404/500", (id, method, okSchema) => {
    const op = findOperation(doc, id);
    expect([op.key, op.method]).toEqual([key, method]);
    const responses = responsesOf(doc, op);
    expect([...responses.keys()]).toEqual(expect.arrayContaining(["200", "400", "404", "500"]));
    expect(jsonSchemaRef(responses.get("200") ?? {})).toBe(`#/components/schemas/${okSchema}`);
    for (const status of ["400", "404", "500"]) {
      expect(jsonSchemaRef(responses.get(status) ?? {})).toBe("#/components/schemas/HuaweiRtcErrorResponse");
    }
  });

  test("server errors carry the concrete RTC.00002001 the mock answers; RTC.00001018 is listed", () => {
    expect(enumOf(doc, "HuaweiRtcErrorCode")).toEqual(expect.arrayContaining(["RTC.00001018", "RTC.00002001"]));
    const responses = asObject(asObject(doc.components, "components").responses, "responses");
    const failure = deref(doc, responses.InternalServerError, "InternalServerError");
    const media = asObject(asObject(failure.content, "content")["application/json"], "media");
    expect(asObject(media.example, "example").error_code).toBe("RTC.00002001");
  });

  test("PUT body and the returned callback", () => {
    const put = findOperation(doc, "updateRecordCallback");
    expect(jsonSchemaRef(deref(doc, put.op.requestBody, "body"))).toBe(
      "#/components/schemas/HuaweiRtcAppCallbackUrlReq",
    );
    const req = schema(doc, "HuaweiRtcAppCallbackUrlReq");
    expect(req.required).toEqual(["url"]);
    expect(Object.keys(asObject(req.properties, "req"))).toEqual(["url", "auth_key"]);
    const stored = asObject(schema(doc, "HuaweiRtcAppCallbackUrl").properties, "stored");
    expect(Object.keys(stored)).toEqual(["url", "auth_key", "notify_event_subscription", "update_time"]);
    const show = schema(doc, "HuaweiRtcShowRecordCallbackResponse");
    expect(show.required).toEqual(["app_id"]);
  });

  test("events and the recording callback webhook with its signature headers", () => {
    expect(enumOf(doc, "HuaweiRtcRecordEventType")).toEqual(["RECORD_NEW_FILE_START", "RECORD_FILE_COMPLETE"]);
    expect(enumOf(doc, "HuaweiRtcCallbackEventType")).toEqual([
      "RECORD_NEW_FILE_START",
      "RECORD_FILE_COMPLETE",
      "CLOUD_RECORD_SERVER_OVER",
      "CLOUD_RECORD_OVER",
    ]);
    const hook = findOperation(doc, "huaweiRtcRecordCallback");
    expect([hook.kind, hook.key]).toEqual(["webhook", "recordCallback"]);
    expect(jsonSchemaRef(deref(doc, hook.op.requestBody, "body"))).toBe("#/components/schemas/HuaweiRtcRecordCallback");
    const headers = paramsOf(doc, hook).filter((p) => p.in === "header");
    expect(headers.map((p) => p.name)).toEqual(["X-Rtc-Rand", "X-Rtc-Timestamp", "X-Rtc-Signature"]);
    expect(String(hook.op.description)).toContain("HMAC-SHA256");
  });
});

describe("aliyun-live.yaml facts", () => {
  const doc = docs["aliyun-live"];
  const actions = [
    "AddLiveRecordNotifyConfig",
    "UpdateLiveRecordNotifyConfig",
    "DescribeLiveRecordNotifyConfig",
    "DeleteLiveRecordNotifyConfig",
    "DescribeLiveRecordNotifyRecords",
  ] as const;
  const common = ["Action", "Version", "Format", "Timestamp", "SignatureMethod", "SignatureVersion"];
  const signing = ["SignatureNonce", "AccessKeyId", "Signature", "x-acs-action", "x-acs-version"];

  test.each(actions)("%s has POST and GET operations with typed parameters and response", (action) => {
    const post = findOperation(doc, action);
    const get = findOperation(doc, `${action}ViaGet`);
    for (const op of [post, get]) {
      expect([op.kind, op.key]).toEqual(["path", `/#Action=${action}`]);
      expect(op.op["x-rpc-action"]).toBe(action);
      expect(jsonSchemaRef(responsesOf(doc, op).get("200") ?? {})).toBe(
        `#/components/schemas/AliyunLive${action}Response`,
      );
      const names = paramsOf(doc, op).map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining([...common, ...signing, "DomainName"]));
    }
    expect([post.method, get.method]).toEqual(["post", "get"]);
    const form = deref(doc, post.op.requestBody, "form body");
    expect(jsonSchemaRef(form, "application/x-www-form-urlencoded")).toBe(
      `#/components/schemas/AliyunLive${action}Request`,
    );

    const request = schema(doc, `AliyunLive${action}Request`);
    const props = asObject(request.properties, "request properties");
    expect(props.Action).toEqual({ type: "string", const: action });
    expect(props.Version).toEqual({ type: "string", const: "2016-11-01" });
    expect(request.required).toEqual(expect.arrayContaining(["Action", "Version", "DomainName"]));
    expect(asObject(doc["x-rpc-actions"], "x-rpc-actions")[action]).toBeDefined();
  });

  test("the RPC action index lists exactly the five actions", () => {
    expect(Object.keys(asObject(doc["x-rpc-actions"], "x-rpc-actions"))).toEqual([...actions]);
    expect(enumOf(doc, "AliyunLiveAction")).toEqual([...actions]);
  });

  test("every error code of the vendor table is listed, with examples under the right status", () => {
    const status: Record<string, string> = {
      ConfigAlreadyExists: "400",
      "InvalidConfig.NotFound": "404",
      "InvalidDomain.NotFound": "404",
      MissingDomainName: "400",
      MissingParams: "400",
      InvalidParams: "400",
      MalformedParams: "400",
      Forbidden: "401",
      IllegalOperation: "403",
      InternalError: "500",
      SignatureDoesNotMatch: "400",
      "InvalidTimeStamp.Expired": "400",
      "InvalidTimeStamp.Format": "400",
      SignatureNonceUsed: "400",
      "InvalidAccessKeyId.NotFound": "404",
      "Throttling.User": "400",
      MissingAction: "400",
      "InvalidAction.NotFound": "404",
      InvalidVersion: "400",
      IncompleteSignature: "400",
      MissingSignature: "400",
      UnsupportedHTTPMethod: "400",
    };
    const codes = enumOf(doc, "AliyunLiveErrorCode");
    expect(codes).toEqual(expect.arrayContaining(Object.keys(status)));
    const seen = new Set<string>();
    for (const op of operations(doc).filter((o) => o.kind === "path")) {
      for (const [code, response] of responsesOf(doc, op)) {
        const media = asObject(asObject(response.content, "content")["application/json"], "media");
        const values = isObject(media.examples)
          ? Object.values(media.examples).map((e) => asObject(e, "example").value)
          : media.example === undefined
            ? []
            : [media.example];
        for (const value of values) {
          const example = asObject(value, "example value");
          if (code === "200") continue;
          expect(codes, `${op.op.operationId} ${code}`).toContain(example.Code);
          expect(status[String(example.Code)] ?? code, String(example.Code)).toBe(code);
          seen.add(String(example.Code));
        }
      }
    }
    expect(seen.size).toBeGreaterThan(8);
    const error = schema(doc, "AliyunLiveErrorResponse");
    expect(error.required).toEqual(["RequestId", "HostId", "Code", "Message"]);
    expect(Object.keys(asObject(error.properties, "error"))).toContain("Recommend");
  });

  test("records, enums and the two recording callbacks", () => {
    expect(enumOf(doc, "AliyunLiveNotifyType")).toEqual([
      "file_created",
      "record_error",
      "record_started",
      "record_paused",
      "record_resumed",
      "record_force_transcode_fail",
      "transformat_error",
    ]);
    expect(enumOf(doc, "AliyunLiveNotifyResult")).toEqual(["success", "failed"]);
    expect(enumOf(doc, "AliyunLiveStatusEvent")).toEqual([
      "record_started",
      "record_paused",
      "record_resumed",
      "record_error",
      "record_force_transcode_fail",
      "transformat_error",
    ]);
    const records = asObject(schema(doc, "AliyunLiveDescribeLiveRecordNotifyRecordsRequest").properties, "records");
    expect(records.PageSize).toMatchObject({ type: "integer", minimum: 1, maximum: 500, default: 20 });
    expect(records.PageNumber).toMatchObject({ type: "integer", minimum: 1, maximum: 100000, default: 1 });
    const reply = asObject(schema(doc, "AliyunLiveDescribeLiveRecordNotifyRecordsResponse").properties, "reply");
    expect(reply.Code).toEqual(expect.objectContaining({ type: "integer", const: 0 }));

    const file = findOperation(doc, "aliyunLiveRecordFileCallback");
    const status = findOperation(doc, "aliyunLiveRecordStatusCallback");
    expect([file.key, status.key]).toEqual(["recordFileCallback", "recordStatusCallback"]);
    for (const [op, body] of [
      [file, "AliyunLiveRecordFileCallback"],
      [status, "AliyunLiveRecordStatusCallback"],
    ] as const) {
      expect(jsonSchemaRef(deref(doc, op.op.requestBody, "body"))).toBe(`#/components/schemas/${body}`);
      expect(paramsOf(doc, op).map((p) => p.name)).toEqual(["ALI-LIVE-TIMESTAMP", "ALI-LIVE-SIGNATURE"]);
    }
    const fileProps = asObject(schema(doc, "AliyunLiveRecordFileCallback").properties, "file");
    expect(fileProps.duration).toMatchObject({ type: "number" });
    expect(fileProps.start_time).toMatchObject({ type: "integer" });
    expect(fileProps.push_args).toMatchObject({ type: "object" });
    const statusSchema = schema(doc, "AliyunLiveRecordStatusCallback");
    expect(statusSchema.required).toEqual(["domain", "app", "stream", "event"]);
    expect(String(file.op.description)).toContain(
      'md5_hex_lower(callbackHost + "|" + ALI-LIVE-TIMESTAMP + "|" + NotifyAuthKey)',
    );
  });
});
