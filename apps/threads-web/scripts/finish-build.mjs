#!/usr/bin/env node
// Last step of `npm run build`: the standalone bundle serves its own static
// files, so copy them in (next build leaves .next/static and public/ outside
// it on purpose, for CDNs; this site has none).
import fs from "node:fs";
import path from "node:path";

const appDir = path.resolve(import.meta.dirname, "..");
const bundle = path.join(appDir, ".next", "standalone");
if (!fs.existsSync(path.join(bundle, ".next", "required-server-files.json"))) {
  console.error(`finish-build: ${bundle} holds no standalone bundle; is output: "standalone" still set in next.config.ts?`);
  process.exit(1);
}
fs.cpSync(path.join(appDir, ".next", "static"), path.join(bundle, ".next", "static"), { recursive: true });
if (fs.existsSync(path.join(appDir, "public"))) fs.cpSync(path.join(appDir, "public"), path.join(bundle, "public"), { recursive: true });
