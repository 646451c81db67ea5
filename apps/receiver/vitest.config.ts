import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts", "bench/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    typecheck: { enabled: true, include: ["src/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
    // Browser and cross-process tests start real servers on a shared 2-core machine: generous bounds, no retries.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
