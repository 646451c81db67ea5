/** Callback keys from `--key` flags, else from the vendor's environment variables (see vendors.ts). */
import type { CliContext } from "./context.js";
import { envCallbackKeys } from "./env.js";
import { UsageError } from "./errors.js";
import { KEY_ENV, type Vendor } from "./vendors.js";

export function callbackKeys(vendor: Vendor, flagKeys: readonly string[] | undefined, ctx: CliContext): string[] {
  if (flagKeys !== undefined && flagKeys.length > 0) return [...flagKeys];
  const fromEnv = envCallbackKeys(ctx, vendor);
  if (fromEnv !== undefined && fromEnv.length > 0) return fromEnv;
  throw new UsageError(`no ${vendor} key: pass --key or set ${KEY_ENV[vendor].single}`);
}
