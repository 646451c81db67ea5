/**
 * One HTTP attempt over a keep-alive connection pool (undici), and what it answered: the status and the reason a
 * receiver gives (its JSON `error` or `reason`; `duplicate` for a livehook receiver's 200 to an event it already
 * has). Only a non-2xx body is kept and parsed, so the common case costs no JSON work.
 */
import { errors, Pool } from "undici";

export type AttemptOutcome = {
  /** Undefined: no HTTP answer (refused, reset, timeout). */
  status: number | undefined;
  reason: string | undefined;
};

export type SendRequest = { path: string; headers: Record<string, string>; body: string };

export function connectionPool(origin: string, connections: number): Pool {
  // One request at a time per connection, as the vendors send; keep-alive so connections are reused.
  return new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
}

const MAX_REASON = 80;

function reasonOf(text: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const r = (parsed as { error?: unknown; reason?: unknown }).error ?? (parsed as { reason?: unknown }).reason;
    return typeof r === "string" ? r.slice(0, MAX_REASON) : undefined;
  } catch {
    return undefined;
  }
}

function errorReason(err: unknown): string {
  if (err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError) return "timeout";
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" ? code : err instanceof Error ? err.message.slice(0, MAX_REASON) : "error";
}

const DUPLICATE_HEADER = "x-livehook-duplicate";

/** Whether undici's raw header list (name, value, name, value…) says `x-livehook-duplicate: 1`. */
function markedDuplicate(raw: Buffer[] | string[] | null): boolean {
  if (raw === null) return false;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (String(raw[i]).toLowerCase() === DUPLICATE_HEADER) return String(raw[i + 1]) === "1";
  }
  return false;
}

/**
 * Sends one request through the pool's dispatcher with a bare handler: no response stream or body object per
 * request, which `pool.request` would create (a third of the client's cost per request, measured).
 */
export function sendAttempt(pool: Pool, req: SendRequest, timeoutMs: number): Promise<AttemptOutcome> {
  return new Promise<AttemptOutcome>((resolve) => {
    let status = 0;
    let duplicate = false;
    let chunks: Buffer[] | undefined;
    pool.dispatch(
      {
        method: "POST",
        path: req.path,
        headers: req.headers,
        body: req.body,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      },
      {
        onConnect: () => {},
        onHeaders: (statusCode, rawHeaders) => {
          status = statusCode;
          if (statusCode >= 200 && statusCode < 300) duplicate = markedDuplicate(rawHeaders);
          else chunks = [];
          return true;
        },
        onData: (chunk) => {
          // Only an error answer's body is kept, and only its start: it is read for its reason.
          if (chunks !== undefined && chunks.length < 4) chunks.push(chunk);
          return true;
        },
        onComplete: () => {
          if (chunks === undefined) resolve({ status, reason: duplicate ? "duplicate" : undefined });
          else resolve({ status, reason: reasonOf(Buffer.concat(chunks).toString("utf8")) });
        },
        onError: (err) => resolve({ status: undefined, reason: errorReason(err) }),
      },
    );
  });
}
