import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    // Most test files wait on I/O (the emulator, the database, timers) as much as they compute: two files at a time
    // even on a 2-core machine (vitest's default there is one), which keeps CI well within its time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
