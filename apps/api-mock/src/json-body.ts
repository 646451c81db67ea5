/** JSON request bodies: a parse that reports malformed text instead of throwing (the media type: @livehook/core). */

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
