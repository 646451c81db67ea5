// The main job until the `livehook` command lands (apps/cli): show what the built core offers.
import { readFileSync } from "node:fs";
import * as core from "@livehook/core";

const vectors = JSON.parse(readFileSync(new URL("../packages/core/test-vectors/signatures.json", import.meta.url), "utf8"));
console.log("livehook: @livehook/core is built.");
console.log(`  OpenAPI documents: ${core.OPENAPI_DOCUMENTS.join(", ")}`);
console.log(`  exports: ${Object.keys(core).length} (signing functions, zod schemas, enums)`);
console.log(`  test-vector groups: ${Object.keys(vectors).join(", ")}`);
