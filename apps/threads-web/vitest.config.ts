import { defineConfig } from "vitest/config";

export default defineConfig({
  // src/shared is a link to apps/shared: resolve its imports from this app's node_modules.
  resolve: { preserveSymlinks: true },
  test: {
    include: ["test/**/*.test.ts"],
    // One `next build` per run, shared by every file that starts the app.
    globalSetup: ["test/support/global-build.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
