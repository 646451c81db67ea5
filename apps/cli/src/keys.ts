/** Callback keys from `--key` flags, else from the vendor's environment variables (see vendors.ts). */
import type { CliContext } from "./context.js";
import { UsageError } from "./errors.js";
import { KEY_ENV, type Vendor } from "./vendors.js";

export function callbackKeys(vendor: Vendor, flagKeys: unknown, ctx: CliContext): string[] {
  if (Array.isArray(flagKeys) && flagKeys.length > 0) return flagKeys.map(String);
  if (typeof flagKeys === "string" && flagKeys !== "") return [flagKeys];
  const names = KEY_ENV[vendor];
  const list = ctx.env[names.list];
  if (list) return list.split(",").filter((k) => k !== "");
  const single = ctx.env[names.single];
  if (single) return [single];
  throw new UsageError(`no ${vendor} key: pass --key or set ${names.single}`);
}
