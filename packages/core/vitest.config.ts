import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The property tests are CPU-bound: under CI's load (four Node.js lines, typecheck beside them) 5 s is too
    // tight for a few hundred generated values, which made a run fail on time alone.
    testTimeout: 30_000,
    include: ["src/**/*.test.ts", "scripts/**/*.test.ts"],
    typecheck: { enabled: true, include: ["src/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
});
