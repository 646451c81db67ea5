/** Runs once before the test files: the SQLite worker thread and the spawned receivers run the built dist/. */
import { ensureBuilt } from "./spawn-receiver.js";

export function setup(): void {
  ensureBuilt();
}
