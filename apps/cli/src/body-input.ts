/** Reads a callback body exactly as bytes, from a file or stdin, and refuses to wait on an interactive terminal. */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { CliContext } from "./context.js";
import { UsageError } from "./errors.js";

export async function readBody(file: string | undefined, ctx: CliContext): Promise<Buffer> {
  if (file === undefined || file === "-") {
    if (ctx.stdinIsTTY) throw new UsageError("give a body file, or pipe the body on stdin");
    return ctx.readStdin();
  }
  try {
    return await readFile(resolve(ctx.cwd, file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}: ${code === "ENOENT" ? "no such file" : (code ?? String(err))}`);
  }
}

/** How a body read by readBody is named in errors: its file name, or stdin. */
export const bodySource = (file: string | undefined): string => (file === undefined || file === "-" ? "stdin" : file);
