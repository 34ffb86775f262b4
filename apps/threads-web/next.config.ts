/**
 * Next.js build settings. Everything that depends on the environment (security
 * headers, the API origin, the /api proxy) is decided per request in
 * src/proxy.ts, so one build runs unchanged with any configuration.
 *
 * Built with webpack (`next build --webpack`): src/shared links to apps/shared
 * in the repository, and Turbopack resolves a link to where it points —
 * outside this folder, away from its node_modules. Webpack keeps the link's
 * own path (`resolve.symlinks: false`, like tsc's preserveSymlinks).
 */
import type { NextConfig } from "next";

// This folder alone is the project (fleet's repository holds other lockfiles above it).
const root = import.meta.dirname;

const config: NextConfig = {
  // A self-contained server bundle with only the files it needs: the slug ships no node_modules of Next.
  output: "standalone",
  outputFileTracingRoot: root,
  poweredByHeader: false,
  reactStrictMode: true,
  // No next/image: nothing to optimise, and sharp stays out of the bundle.
  images: { unoptimized: true },
  outputFileTracingExcludes: { "*": ["node_modules/sharp/**", "node_modules/@img/**"] },
  webpack(webpackConfig: { resolve: { symlinks?: boolean; extensionAlias?: Record<string, string[]> } }) {
    webpackConfig.resolve.symlinks = false;
    // Sources import "./x.js" for x.ts, as Node's ESM resolution wants.
    webpackConfig.resolve.extensionAlias = { ".js": [".ts", ".tsx", ".js"] };
    return webpackConfig;
  },
};

export default config;
