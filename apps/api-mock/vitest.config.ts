import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    typecheck: { enabled: true, include: ["src/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
    // The machine is a shared 2-core box: socket tests and property runs need headroom, never real-clock margins.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
