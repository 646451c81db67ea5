/**
 * Serves the OpenAPI documents as JSON: the vendor APIs from core (/openapi/huawei-live.json and its siblings) and
 * the mock's own admin API from this package (/openapi/mock-admin.json).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { OPENAPI_DOCUMENTS as VENDOR_DOCUMENTS } from "@livehook/core";
import { Hono } from "hono";
import { OPENAPI_DOCUMENTS as MOCK_DOCUMENTS } from "../generated/index.js";

const require = createRequire(import.meta.url);
const baseName = (file: string) => file.replace(/\.yaml$/, "");
/** Where each document's JSON is: core's through its package exports, ours in openapi/ beside src/ and dist/. */
const LOCATIONS = new Map<string, () => string | URL>();
for (const file of VENDOR_DOCUMENTS) {
  LOCATIONS.set(baseName(file), () => require.resolve(`@livehook/core/openapi/${baseName(file)}.json`));
}
for (const file of MOCK_DOCUMENTS) {
  LOCATIONS.set(baseName(file), () => new URL(`../../openapi/${baseName(file)}.json`, import.meta.url));
}

export function openapiRoutes(): Hono {
  const app = new Hono();
  // Read lazily and keep: cold start should not pay for documents nobody asks for.
  const cache = new Map<string, string>();
  app.get("/openapi/:file", (c) => {
    const file = c.req.param("file");
    const name = file.endsWith(".json") ? file.slice(0, -5) : file;
    const locate = LOCATIONS.get(name);
    if (locate === undefined) return c.json({ error: "not_found", message: `no document ${file}` }, 404);
    let text = cache.get(name);
    if (text === undefined) {
      text = readFileSync(locate(), "utf8");
      cache.set(name, text);
    }
    return c.body(text, 200, { "content-type": "application/json; charset=utf-8" });
  });
  app.get("/openapi", (c) => c.json({ documents: [...LOCATIONS.keys()].map((n) => `/openapi/${n}.json`) }, 200));
  return app;
}
