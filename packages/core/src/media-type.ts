/**
 * Whether a Content-Type names JSON: `application/json` or any `application/…+json` (a structured syntax suffix,
 * `application/merge-patch+json`), with or without parameters (`; charset=utf-8`), in any case. The vendors
 * send their callbacks as `application/json`; what else a sender writes there varies.
 */
const JSON_MEDIA_TYPE = /^\s*application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export function isJsonMediaType(contentType: string | undefined): boolean {
  return contentType !== undefined && JSON_MEDIA_TYPE.test(contentType);
}
