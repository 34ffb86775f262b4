import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["node_modules/**", "apps/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
