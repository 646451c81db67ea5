/**
 * The node:http fast path for the two hottest vendor calls, Huawei Live list and create
 * (`GET`/`POST /v1/{project_id}/record/callbacks`). @hono/node-server turns every request into a fetch Request
 * and every reply back from a fetch Response; for these routes that round trip cost more than the route itself
 * (profile in BENCHMARKS.md). main.ts answers them here, straight on the IncomingMessage and ServerResponse, and
 * passes everything else to Hono. The answers come from the same code as the Hono routes (`huaweiLiveHandlers`):
 * body limit, media type, JSON, zod, domain and key rules, throttling, injected faults, the committed insert, the
 * 201 body and the X-request-id header. With `--auth on` the fast path steps aside and Hono verifies signatures.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppContext } from "./context.js";
import { readIncomingBody } from "./context.js";
import { huaweiRequestId } from "./ids.js";
import { COLLECTION, huaweiLiveHandlers, type LiveReply } from "./routes/huawei-live.js";

/**
 * `/v1/{project_id}/record/callbacks` with an optional query. Project ids with `%` (which Hono would decode) or
 * any other shape go to Hono.
 */
const LIST_OR_CREATE = /^\/v1\/([^/?#%]+)\/record\/callbacks(?:\?|$)/;

const INTERNAL_ERROR = JSON.stringify({ error: "internal_error", message: "unexpected error; see the mock's log" });

/** Returns a request handler that answers Huawei Live list and create and returns false for anything else. */
export function nodeFastPath(ctx: AppContext): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { deps } = ctx;
  const live = huaweiLiveHandlers(ctx);

  const send = (res: ServerResponse, requestId: string, r: LiveReply) => {
    // One write: the headers go out with the body.
    res.writeHead(r.status, [
      "content-type",
      "application/json",
      "x-request-id",
      requestId,
      "content-length",
      String(Buffer.byteLength(r.body)),
    ]);
    res.end(r.body);
  };

  const fail = (req: IncomingMessage, res: ServerResponse, requestId: string, err: unknown) => {
    // A client that went away mid-body gets no reply; anything else is rendered as Hono's onError does.
    if (req.destroyed && res.destroyed) return;
    deps.log.error({ err, method: req.method, path: req.url }, "unhandled error");
    if (res.headersSent) {
      res.destroy();
      return;
    }
    send(res, requestId, { status: 500, body: INTERNAL_ERROR });
  };

  const answer = (
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    projectId: string,
    url: string,
    raw: Uint8Array | undefined,
  ) => {
    if (raw === undefined) return send(res, requestId, live.illegal());
    const refused = live.gate(req.method as string, COLLECTION, requestId);
    if (refused !== undefined) return send(res, requestId, refused);
    if (req.method === "GET") {
      const mark = url.indexOf("?");
      return send(res, requestId, live.list(projectId, mark < 0 ? "" : url.slice(mark + 1)));
    }
    live.create(projectId, req.headers["content-type"], raw).then(
      (r) => send(res, requestId, r),
      (err: unknown) => fail(req, res, requestId, err),
    );
  };

  return (req, res) => {
    if (deps.credentials !== undefined) return false;
    const method = req.method;
    if (method !== "GET" && method !== "POST") return false;
    const url = req.url ?? "";
    const m = LIST_OR_CREATE.exec(url);
    const projectId = m?.[1];
    if (projectId === undefined) return false;
    const requestId = huaweiRequestId(deps.random, deps.clock, deps.hostname);
    try {
      const body = readIncomingBody(req);
      if (body instanceof Uint8Array) answer(req, res, requestId, projectId, url, body);
      else
        body.then(
          (raw) => {
            try {
              answer(req, res, requestId, projectId, url, raw);
            } catch (err) {
              fail(req, res, requestId, err);
            }
          },
          (err: unknown) => fail(req, res, requestId, err),
        );
    } catch (err) {
      fail(req, res, requestId, err);
    }
    return true;
  };
}
