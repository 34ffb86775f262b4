import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["node_modules/**", "apps/**"],
    // Generous: a limit only matters when something hangs, and a busy CI machine is slow.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Files share their worker's loaded modules (the Pulumi SDK takes ~1.5 s of CPU to load):
    // about a third less CPU. Every file sets up its own mocks, doubles and config
    // (test/harness/program.ts); the suite passes with its files in shuffled orders.
    isolate: false,
    // A program that rejects its stack throws a Pulumi RunError at load; the SDK's own
    // promises then reject too, with nobody awaiting them. Tests assert the error itself.
    onUnhandledError(error) {
      if (typeof error === "object" && error !== null && "__pulumiRunError" in error) return false;
    },
  },
});
