/** The request body as bytes, read once and bounded. */
import type { IncomingMessage } from "node:http";

/** Bodies above this are refused: every vendor body here is a few hundred bytes. */
export const MAX_BODY_BYTES = 1024 * 1024;

const EMPTY = new Uint8Array(0);

/**
 * The raw body; undefined when it exceeds MAX_BODY_BYTES (the rest is drained, not kept). A request without a body
 * (no Content-Length, no Transfer-Encoding: the usual GET and DELETE) skips the read.
 *
 * On @hono/node-server the bytes come straight from the IncomingMessage: `c.req.arrayBuffer()` first builds a
 * full fetch Request, and reading the socket instead took Huawei Live create from ≈ 4,400 to ≈ 9,000 req/s
 * (BENCHMARKS.md, "What made the difference"). In-process tests (`app.request()`) have no IncomingMessage.
 */
export async function readRawBody(c: {
  env: unknown;
  req: { raw: Request; arrayBuffer(): Promise<ArrayBuffer> };
}): Promise<Uint8Array | undefined> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming !== undefined) return readIncomingBody(incoming);
  if (c.req.raw.body === null) return EMPTY;
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  return bytes.length > MAX_BODY_BYTES ? undefined : bytes;
}

/** Events rather than `for await`: the async iterator's promise per chunk showed at 8 % of a create's CPU. */
function readIncomingBody(incoming: IncomingMessage): Promise<Uint8Array | undefined> {
  const h = incoming.headers;
  if ((h["content-length"] === undefined || h["content-length"] === "0") && h["transfer-encoding"] === undefined) {
    return Promise.resolve(EMPTY);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    incoming.once("end", () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    incoming.once("error", reject);
    // A client that leaves mid-body: after "end" the promise is settled and this does nothing.
    incoming.once("close", () => reject(new Error("the client closed the connection before the body ended")));
  });
}
