/** JSON request bodies: the media type check and a parse that reports malformed text instead of throwing. */

export const utf8 = new TextDecoder();

/** Parses JSON text; undefined (not a throw) for malformed input. */
export function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/** `application/json` or any `application/…+json`, with or without parameters. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  return contentType !== undefined && /^\s*application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType);
}
