/**
 * Vitest global setup: one `npm run build` per test run, shared by every file
 * that starts the built server. Skipped when nothing the build reads has
 * changed since the last one (a hash of the sources is kept beside it).
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const APP_DIR = fileURLToPath(new URL("../..", import.meta.url));
const HASH_FILE = path.join(APP_DIR, ".next", "test-build-hash");
const INPUTS = ["src", "next.config.ts", "package-lock.json", "tsconfig.json", "tsconfig.server.json", "scripts/finish-build.mjs"];

function* files(entry: string): Generator<string> {
  const stat = fs.statSync(entry); // follows the src/shared link, as the build does
  if (stat.isDirectory()) for (const name of fs.readdirSync(entry).sort()) yield* files(path.join(entry, name));
  else yield entry;
}

export function sourceHash(): string {
  const hash = createHash("sha256");
  for (const input of INPUTS) {
    for (const file of files(path.join(APP_DIR, input))) hash.update(path.relative(APP_DIR, file)).update("\0").update(fs.readFileSync(file));
  }
  return hash.digest("hex");
}

export default function setup(): void {
  const wanted = sourceHash();
  const built = fs.existsSync(HASH_FILE) && fs.existsSync(path.join(APP_DIR, "dist", "server.js")) ? fs.readFileSync(HASH_FILE, "utf8") : "";
  if (built === wanted) return;
  execFileSync("npm", ["run", "build"], { cwd: APP_DIR, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  fs.writeFileSync(HASH_FILE, wanted);
}
