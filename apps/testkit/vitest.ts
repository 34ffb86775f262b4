/** The vitest settings every app's suite runs with (its vitest.config.ts passes them to defineConfig). */
export const appTestConfig = {
  // src/shared and test/kit are links to apps/shared and apps/testkit: resolve their imports from this app's node_modules.
  resolve: { preserveSymlinks: true },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Files share their worker's loaded modules: less CPU, and every file sets up
    // its own database, fakes and app (the suites pass with their files shuffled).
    isolate: false,
  },
};
