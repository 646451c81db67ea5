/** The short reason behind a fetch failure ("ECONNREFUSED", "timeout"), not undici's nested error chain. */
export function networkCause(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === "TimeoutError") return "timed out";
    const cause = (err as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) {
      const code = (cause as NodeJS.ErrnoException).code;
      return code ?? cause.message;
    }
    return err.message;
  }
  return String(err);
}
