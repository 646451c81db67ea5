import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // The machine is a shared 2-core box: socket tests and property runs need headroom, never real-clock margins.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
