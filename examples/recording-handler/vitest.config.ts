import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // The mock and the receiver serve real sockets, on CI machines shared with other jobs: room, never a retry.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
