/**
 * Vitest global setup: one `npm run build` per test run, shared by every file
 * that starts the built server. Skipped when nothing the build reads has
 * changed since the last one (a hash of the sources is kept beside it), and
 * replaced by a copy when fleet's test runner offers the build it just made
 * the way Heroku does (FLEET_APP_BUILD: the packed sources, installed and
 * built) of the same sources: the suite then tests the very build a dyno runs.
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

/** Hash of what the build reads in `dir` (the app's folder, or a build folder holding the same files). */
export function sourceHash(dir: string = APP_DIR): string {
  const hash = createHash("sha256");
  for (const input of INPUTS) {
    for (const file of files(path.join(dir, input))) hash.update(path.relative(dir, file)).update("\0").update(fs.readFileSync(file));
  }
  return hash.digest("hex");
}

/**
 * Takes (moves) the offered build's output when it was built from these very
 * sources; says whether it did. The offered folder is a copy made for the
 * suite, so moving out of it is allowed.
 */
function adoptOfferedBuild(offered: string, wanted: string): boolean {
  const outputs = [".next", "dist"];
  if (!outputs.every((output) => fs.existsSync(path.join(offered, output))) || sourceHash(offered) !== wanted) return false;
  for (const output of outputs) {
    const from = path.join(offered, output);
    const to = path.join(APP_DIR, output);
    fs.rmSync(to, { recursive: true, force: true });
    try {
      fs.renameSync(from, to);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EXDEV") throw error;
      fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
    }
  }
  return true;
}

export default function setup(): void {
  const wanted = sourceHash();
  const built = fs.existsSync(HASH_FILE) && fs.existsSync(path.join(APP_DIR, "dist", "server.js")) ? fs.readFileSync(HASH_FILE, "utf8") : "";
  if (built === wanted) return;
  const offered = process.env.FLEET_APP_BUILD;
  if (offered !== undefined) {
    if (adoptOfferedBuild(offered, wanted)) {
      console.log(`global-build: testing the build made as Heroku makes it (FLEET_APP_BUILD), not building again`);
      fs.writeFileSync(HASH_FILE, wanted);
      return;
    }
    console.log(`global-build: the build offered in FLEET_APP_BUILD is not of these sources (changed since?); building again`);
  }
  execFileSync("npm", ["run", "build"], { cwd: APP_DIR, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  fs.writeFileSync(HASH_FILE, wanted);
}
