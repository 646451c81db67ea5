/**
 * Reads a request body as bytes, at most `limit` of them. The declared Content-Length is checked first so an
 * oversized upload is refused before it is read; a chunked body is cut off as soon as it passes the limit.
 */
import { HTTPException } from "hono/http-exception";

export const bodyTooLarge = () =>
  new HTTPException(413, { res: Response.json({ error: "body_too_large" }, { status: 413 }) });

export async function readBody(req: Request, limit: number): Promise<Uint8Array> {
  const declared = req.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit) throw bodyTooLarge();
  if (req.body === null) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw bodyTooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
