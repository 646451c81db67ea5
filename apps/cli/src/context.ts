/**
 * Everything a command touches outside its own code: streams, environment, clock, network, randomness and the
 * Ctrl-C signal. `main.ts` builds the real one; tests build one with captured output and a fixed clock.
 */
export type CliContext = {
  writeOut: (text: string) => void;
  writeErr: (text: string) => void;
  /** Whether stdout is a terminal: tables and progress bars there, plain lines or JSON otherwise. */
  isTTY: boolean;
  /** Whether stdin is a terminal; a command that reads a body refuses to wait on one. */
  stdinIsTTY: boolean;
  readStdin: () => Promise<Buffer>;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  now: () => Date;
  fetch: typeof fetch;
  /** Aborted on Ctrl-C; long-running commands stop cleanly when it fires. */
  signal: AbortSignal;
  random: () => number;
  /** The command line that runs livehook where the user is (`npx livehook`, `pnpm livehook`), for printed hints. */
  self: string;
};
