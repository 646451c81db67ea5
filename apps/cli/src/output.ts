/**
 * The one place that prints. Commands describe what to show (lines, a table, a JSON value) and this module decides
 * how: aligned tables and colour on a terminal, tab-separated rows or JSON for scripts.
 */
import pc from "picocolors";
import type { CliContext } from "./context.js";
import { colorWanted } from "./env.js";

export type Column<T> = { header: string; value: (row: T) => string };

export type Output = {
  /** One line of human text on stdout. */
  line: (text?: string) => void;
  /** One JSON document on stdout (pretty on a terminal, one line otherwise, so `jq` and line readers both work). */
  json: (value: unknown) => void;
  table: <T>(rows: readonly T[], columns: readonly Column<T>[]) => void;
  /** A note on stderr: progress and hints never pollute stdout. */
  note: (text: string) => void;
  /** Rewrites the current stderr line (progress bars); a no-op off a terminal. */
  status: (text: string) => void;
  clearStatus: () => void;
  color: {
    ok: (s: string) => string;
    bad: (s: string) => string;
    dim: (s: string) => string;
    bold: (s: string) => string;
    warn: (s: string) => string;
    /** Rejected deliveries (tail): a colour of their own, apart from the warnings on stored events. */
    rejected: (s: string) => string;
  };
};

const TABLE_GAP = "  ";

export function createOutput(ctx: CliContext): Output {
  const colors = pc.createColors(colorWanted(ctx));
  let statusShown = false;
  const clearStatus = () => {
    if (statusShown) ctx.writeErr("\r\x1b[2K");
    statusShown = false;
  };
  return {
    line: (text = "") => {
      clearStatus();
      ctx.writeOut(`${text}\n`);
    },
    json: (value) => {
      clearStatus();
      ctx.writeOut(`${JSON.stringify(value, null, ctx.isTTY ? 2 : undefined)}\n`);
    },
    table: (rows, columns) => {
      clearStatus();
      const cells = rows.map((r) => columns.map((c) => c.value(r)));
      if (!ctx.isTTY) {
        // Scripts get a header line and tab-separated values: stable, and easy to cut or awk.
        ctx.writeOut(`${columns.map((c) => c.header).join("\t")}\n`);
        for (const row of cells) ctx.writeOut(`${row.join("\t")}\n`);
        return;
      }
      const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => visibleLength(r[i] ?? ""))));
      const pad = (s: string, i: number) => s + " ".repeat(Math.max(0, (widths[i] ?? 0) - visibleLength(s)));
      ctx.writeOut(
        `${colors.bold(
          columns
            .map((c, i) => pad(c.header, i))
            .join(TABLE_GAP)
            .trimEnd(),
        )}\n`,
      );
      for (const row of cells) ctx.writeOut(`${row.map(pad).join(TABLE_GAP).trimEnd()}\n`);
      if (rows.length === 0) ctx.writeOut(`${colors.dim("(none)")}\n`);
    },
    note: (text) => {
      clearStatus();
      ctx.writeErr(`${text}\n`);
    },
    status: (text) => {
      if (!ctx.isTTY) return;
      ctx.writeErr(`\r\x1b[2K${text}`);
      statusShown = true;
    },
    clearStatus,
    color: {
      ok: colors.green,
      bad: colors.red,
      dim: colors.dim,
      bold: colors.bold,
      warn: colors.yellow,
      rejected: colors.magenta,
    },
  };
}

// Escape sequences take no room on screen, so they must not count towards column widths.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
function visibleLength(s: string): number {
  return s.replace(ANSI, "").length;
}

/** Prints the final error line of a failed command (used by the entry point only). */
export function printError(ctx: CliContext, message: string): void {
  const colors = pc.createColors(colorWanted(ctx));
  ctx.writeErr(`${colors.red("error:")} ${message}\n`);
}
