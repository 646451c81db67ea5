/**
 * An application's endpoint for Huawei Cloud Live recording callbacks, the kind of code this example tests: it
 * verifies each callback's signature with @livehook/core, keeps every finished file once in the application's
 * store, and answers so that the vendor stops (200) or retries (anything else) the delivery.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { HuaweiLiveRecordCallback, verifyHuaweiLiveCallback } from "@livehook/core";

/** A finished recording file, as the application keeps it. */
export type RecordedFile = {
  /** Where the file can be fetched. The HMACSHA256 signature covers it, so it is the file's identity. */
  downloadUrl: string;
  publishDomain: string;
  app: string;
  stream: string;
  taskId: string;
  format: string | undefined;
  sizeBytes: number | undefined;
  durationSeconds: number | undefined;
  startTime: string | undefined;
  endTime: string | undefined;
};

/** The application's storage. */
export type RecordingStore = {
  /**
   * Keeps the file unless one with the same `downloadUrl` is kept already (a database would use a unique index).
   * Resolves with whether it was new; rejects when storage fails.
   */
  saveFile(file: RecordedFile): Promise<boolean>;
};

export type RecordingHandlerOptions = {
  /** Every key the callback configs use: a rotation lists the new key and the old one. */
  keys: readonly string[];
  store: RecordingStore;
  /** The clock the signature's time window is checked against. */
  now?: () => Date;
};

/** Huawei Live bodies are small JSON objects; anything larger is not a callback. */
const MAX_BODY_BYTES = 64 * 1024;

/** The file a callback reports, when it reports a finished one. */
export function recordedFileFrom(callback: HuaweiLiveRecordCallback): RecordedFile | undefined {
  if (callback.event_type !== "RECORD_FILE_COMPLETE" || callback.download_url === undefined) return undefined;
  return {
    downloadUrl: callback.download_url,
    publishDomain: callback.publish_domain,
    app: callback.app,
    stream: callback.stream,
    taskId: callback.task_id,
    format: callback.record_format,
    sizeBytes: callback.file_size,
    durationSeconds: callback.record_duration,
    startTime: callback.start_time,
    endTime: callback.end_time,
  };
}

/** A `node:http` request listener: `http.createServer(createRecordingHandler({ keys, store }))`. */
export function createRecordingHandler(options: RecordingHandlerOptions): RequestListener {
  const now = options.now ?? (() => new Date());
  return (request, response) => {
    handle(request, response).catch(() => {
      // Storage failed (the reply says nothing of why): a 503 makes the vendor deliver the callback again later.
      reply(response, 503, { error: "unavailable" });
    });
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== "POST") return reply(response, 405, { error: "method_not_allowed" });
    const raw = await readBody(request);
    if (raw === undefined) return reply(response, 413, { error: "too_large" });

    // The signature is checked on the bytes as received, before anything in the body is trusted.
    const verdict = verifyHuaweiLiveCallback(raw, options.keys, { now: now() });
    if (!verdict.ok) return reply(response, 401, { error: verdict.reason });

    const parsed = HuaweiLiveRecordCallback.safeParse(JSON.parse(raw.toString("utf8")));
    if (!parsed.success) return reply(response, 400, { error: "invalid_callback" });

    const file = recordedFileFrom(parsed.data);
    // A duplicate or a retry of a file already kept is acknowledged like the first one, so the vendor stops.
    if (file !== undefined) await options.store.saveFile(file);
    reply(response, 200, { status: "ok" });
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function reply(response: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (response.headersSent) return;
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
