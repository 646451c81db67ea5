/** Client of the mock's admin API (`/_mock/…`, described by the mock package's openapi/mock-admin.yaml), replies checked with its generated schemas. */
import {
  MockAdminDelivery,
  MockAdminDeliveryList,
  type MockAdminFaults,
  MockAdminRedeliverResponse,
  MockAdminSession,
  type MockAdminSessionCreateRequestInput,
} from "@livehook/api-mock/admin";
import type { CliContext } from "./context.js";
import { CliError, EXIT, MOCK_NEXT_STEP } from "./errors.js";
import { exchange, expectShape, parseJson, snippet } from "./vendor-api/http.js";

async function admin(ctx: CliContext, base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const reply = await exchange(
    ctx,
    `${base}/_mock${path}`,
    {
      method,
      headers: { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    },
    MOCK_NEXT_STEP,
  );
  const json = parseJson(reply);
  if (reply.status >= 200 && reply.status < 300) return json;
  const err = json as { error?: string; message?: string } | undefined;
  throw new CliError(
    `mock admin ${method} ${path}: ${reply.status} ${err?.error ?? ""} ${err?.message ?? snippet(reply.text)}`.trim(),
    EXIT.failure,
  );
}

export async function createSession(ctx: CliContext, base: string, req: MockAdminSessionCreateRequestInput) {
  return expectShape(MockAdminSession, await admin(ctx, base, "POST", "/sessions", req), "session");
}

export type DeliveryFilter = { session_id?: string; vendor?: string; status?: string };

/** Every delivery matching the filter (pages of 500). */
export async function listAllDeliveries(
  ctx: CliContext,
  base: string,
  filter: DeliveryFilter,
): Promise<MockAdminDelivery[]> {
  const out: MockAdminDelivery[] = [];
  for (let offset = 0; ; offset += 500) {
    const q = new URLSearchParams({ limit: "500", offset: String(offset) });
    for (const [k, v] of Object.entries(filter)) if (v !== undefined) q.set(k, v);
    const page = expectShape(MockAdminDeliveryList, await admin(ctx, base, "GET", `/deliveries?${q}`), "deliveries");
    out.push(...page.deliveries);
    if (page.deliveries.length < 500 || out.length >= page.total) return out;
  }
}

export async function redeliver(ctx: CliContext, base: string, ids: string[]) {
  const reply = await admin(ctx, base, "POST", "/deliveries/redeliver", { ids });
  return expectShape(MockAdminRedeliverResponse, reply, "redeliver").deliveries;
}

export async function setGlobalFaults(ctx: CliContext, base: string, faults: MockAdminFaults) {
  await admin(ctx, base, "PUT", "/faults", faults);
}

export { MockAdminDelivery };
