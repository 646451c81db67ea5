/**
 * Text that every store keeps as given. PostgreSQL `text` refuses NUL outright (one such value used to fail the
 * whole write batch it was in), and a lone surrogate half is not Unicode at all: both drivers quietly write it as
 * U+FFFD. The receiver therefore makes such text storable itself, the same way for SQLite and PostgreSQL, and
 * says so (issue 15, item 1); JSON columns need nothing, since JSON.stringify escapes both as `\u0000`/`\udxxx`.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
/** A surrogate half without its partner. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the two things to replace.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what it looks for.
const NUL_OR_SURROGATE = /[\u0000\ud800-\udfff]/;

/**
 * True when `text` holds a NUL or a lone surrogate. Runs for every derived value of every event: the first test
 * has no lookaround and fails at once for the usual ASCII identifier; only a NUL or a surrogate (an emoji's pair
 * is one) gets the second.
 */
export const isUnstorable = (text: string): boolean =>
  NUL_OR_SURROGATE.test(text) && (text.includes("\u0000") || LONE_SURROGATE.test(text));

/** `text` with each NUL and lone surrogate replaced by U+FFFD, the replacement character. */
export const storableText = (text: string): string => text.replace(UNSTORABLE, "\ufffd");

/** Made once: a string needle would be encoded again on every call. */
const UNICODE_ESCAPE = Buffer.from("\\u");

/**
 * False when no string parsed from this JSON text can hold a NUL or a lone surrogate: JSON forbids a raw control
 * character inside a string, and UTF-8 decoding never yields a surrogate half (it gives U+FFFD), so both can only
 * come from a `\u` escape. Almost every body has none, and one byte search is cheaper than testing each value.
 */
export function mayHoldUnstorableText(json: Uint8Array): boolean {
  const bytes = Buffer.isBuffer(json) ? json : Buffer.from(json.buffer, json.byteOffset, json.byteLength);
  return bytes.includes(UNICODE_ESCAPE);
}

/** The derived text columns of an event (hooks' EventFacts), by the name the API gives them. */
const TEXT_FACTS = ["eventType", "domain", "app", "stream", "sessionKey", "fileKey"] as const;
type TextFacts = { [K in (typeof TEXT_FACTS)[number]]: string | null } & {
  fileSequence?: { scope: string; role: "start" | "complete" } | undefined;
};

/** The issue that flags an event whose derived text had to be altered to be stored. */
export type TextAlteredIssue = { path: string[]; code: "text_altered"; message: string };

/**
 * `facts` with every derived text made storable, and one `text_altered` issue per value that changed. Almost
 * every event needs nothing, and then gets `facts` itself back and no issues.
 */
export function storableFacts<F extends TextFacts>(facts: F): { facts: F; altered: readonly TextAlteredIssue[] } {
  let altered: TextAlteredIssue[] | undefined;
  let out = facts;
  for (const name of TEXT_FACTS) {
    const value = facts[name];
    if (value === null || !isUnstorable(value)) continue;
    if (out === facts) out = { ...facts };
    out[name] = storableText(value) as F[typeof name];
    altered ??= [];
    altered.push(textAltered(name));
  }
  const seq = facts.fileSequence;
  // The scope is made from the job id and format, so an altered job id alters it too; no issue of its own.
  if (seq !== undefined && isUnstorable(seq.scope)) {
    if (out === facts) out = { ...facts };
    out.fileSequence = { ...seq, scope: storableText(seq.scope) };
  }
  return { facts: out, altered: altered ?? NOTHING_ALTERED };
}

const NOTHING_ALTERED: readonly TextAlteredIssue[] = Object.freeze([]);

const textAltered = (name: string): TextAlteredIssue => ({
  path: [name],
  code: "text_altered",
  message: `${name} held a NUL or a lone surrogate, stored as U+FFFD; rawBody holds the bytes as received`,
});
