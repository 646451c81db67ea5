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

/** True when `text` holds a NUL or a lone surrogate. */
export const isUnstorable = (text: string): boolean => text.includes("\u0000") || LONE_SURROGATE.test(text);

/** `text` with each NUL and lone surrogate replaced by U+FFFD, the replacement character. */
export const storableText = (text: string): string => text.replace(UNSTORABLE, "\ufffd");
