/** Serves core's OpenAPI documents as JSON: /openapi/huawei-live.json and its siblings. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { OPENAPI_DOCUMENTS } from "@livehook/core";
import { Hono } from "hono";

const require = createRequire(import.meta.url);
const NAMES = new Set(OPENAPI_DOCUMENTS.map((f) => f.replace(/\.yaml$/, "")));

export function openapiRoutes(): Hono {
  const app = new Hono();
  // Read lazily and keep: cold start should not pay for documents nobody asks for.
  const cache = new Map<string, string>();
  app.get("/openapi/:file", (c) => {
    const file = c.req.param("file");
    const name = file.endsWith(".json") ? file.slice(0, -5) : file;
    if (!NAMES.has(name)) return c.json({ error: "not_found", message: `no document ${file}` }, 404);
    let text = cache.get(name);
    if (text === undefined) {
      text = readFileSync(require.resolve(`@livehook/core/openapi/${name}.json`), "utf8");
      cache.set(name, text);
    }
    return c.body(text, 200, { "content-type": "application/json; charset=utf-8" });
  });
  app.get("/openapi", (c) => c.json({ documents: [...NAMES].map((n) => `/openapi/${n}.json`) }, 200));
  return app;
}
