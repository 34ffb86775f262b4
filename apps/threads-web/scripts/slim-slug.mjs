#!/usr/bin/env node
// heroku-cleanup (after npm prune): drop what the dyno never reads, so the
// slug holds the standalone bundle, dist/ and the two runtime dependencies.
// .next/cache is the compiler's cache; .next/server and .next/static were
// copied into .next/standalone by the build.
import fs from "node:fs";
import path from "node:path";

const nextDir = path.resolve(import.meta.dirname, "..", ".next");
for (const entry of fs.readdirSync(nextDir)) {
  if (entry !== "standalone") fs.rmSync(path.join(nextDir, entry), { recursive: true, force: true });
}
