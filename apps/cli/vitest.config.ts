import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Child processes and local servers on a slow shared machine: generous, but bounded.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
