/** JSON read from files and stdin: errors name the source and the line and column where the JSON breaks. */
import { type ParseError, parseTree, printParseErrorCode } from "jsonc-parser";
import { UsageError } from "./errors.js";

/**
 * Parses a JSON object read from `source` (bodySource). Anything else is a usage error naming the source and,
 * for a syntax error, the line and column where the JSON stops being valid (JSON.parse's own message carries no
 * position on Node 20 and 22, so jsonc-parser, in strict mode, finds it).
 */
export function parseJsonObject(text: string, source: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${source}: not valid JSON: ${jsonSyntaxError(text, err)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    const what = parsed === null ? "null" : Array.isArray(parsed) ? "an array" : `a ${typeof parsed}`;
    throw new UsageError(`${source}: expected a JSON object, found ${what}`);
  }
  return parsed as Record<string, unknown>;
}

/** Where and why `text` is not JSON: `comma expected at line 3, column 5`. */
export function jsonSyntaxError(text: string, err: unknown): string {
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first === undefined) return err instanceof Error ? err.message : String(err);
  const { line, column } = lineAndColumn(text, first.offset);
  const what = printParseErrorCode(first.error)
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();
  return `${what} at line ${line}, column ${column}`;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: offset - lineStart + 1 };
}
