/**
 * `npm run test:apps [-- --app <name>]`: runs every app's own test suite.
 *
 * Each app under apps/ is a self-contained npm package, so each is installed
 * from its own lockfile (`npm ci`, only when node_modules is missing or older
 * than package-lock.json) and tested with its own `npm test`, one after the
 * other, output prefixed with the app's name. A summary line per app ends the
 * run; the exit code is non-zero when any app failed.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { APPS_DIR, listApps } from "./lib/apps";
import { inPool } from "./lib/pool";


const USAGE = `Usage: npm run test:apps [-- --app <name> ...]

Runs \`npm test\` in every app under apps/ that has a package.json, installing
it first with \`npm ci\` from its own package-lock.json when node_modules is
missing or older than the lockfile. Apps without a package.json are listed as
"spec only, no code yet". Exits non-zero when any app fails.

Options:
  --app, -a <name>  test only this app (repeatable)
  --jobs, -j <n>    apps tested at the same time (default 1; output lines keep their app prefix)
  --install         run npm ci even when node_modules looks current
  --help, -h        show this help

The apps' tests use the machine's Postgres and Redis (DATABASE_URL, REDIS_URL;
each app defaults to localhost).`;

type Outcome =
  | { readonly app: string; readonly status: "passed"; readonly seconds: number }
  | { readonly app: string; readonly status: "failed"; readonly seconds: number; readonly why: string }
  | { readonly app: string; readonly status: "spec-only" };

class UsageError extends Error {}

async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        app: { type: "string", short: "a", multiple: true },
        install: { type: "boolean" },
        jobs: { type: "string", short: "j" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const all = listApps();
  const unknown = (values.app ?? []).filter((app) => !all.includes(app));
  if (unknown.length > 0) {
    throw new UsageError(`No app ${unknown.map((a) => `"${a}"`).join(", ")} under apps/. Apps: ${all.join(", ") || "(none yet)"}.`);
  }
  const selected = values.app !== undefined ? all.filter((app) => values.app?.includes(app)) : all;
  if (selected.length === 0) {
    console.log("test:apps: no apps under apps/ yet.");
    return 0;
  }

  const jobs = Number(values.jobs ?? "1");
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs takes a whole number of at least 1, not "${values.jobs}".`);
  const outcomes = await inPool(selected, jobs, (app) => testApp(app, values.install === true));
  printSummary(outcomes);
  return outcomes.some((o) => o.status === "failed") ? 1 : 0;
}

async function testApp(app: string, forceInstall: boolean): Promise<Outcome> {
  const dir = path.join(APPS_DIR, app);
  if (!fs.existsSync(path.join(dir, "package.json"))) return { app, status: "spec-only" };
  const started = Date.now();
  const failed = (why: string): Outcome => ({ app, status: "failed", why, seconds: elapsed(started) });

  const manifest = readManifest(dir);
  if (typeof manifest === "string") return failed(manifest);
  if (typeof manifest.scripts?.test !== "string") {
    return failed(`package.json has no "test" script (the app contract asks for one)`);
  }
  if (!fs.existsSync(path.join(dir, "package-lock.json"))) {
    return failed(`no package-lock.json: run npm install in apps/${app} and commit the lockfile`);
  }
  if (forceInstall || installIsStale(dir)) {
    const install = await run(app, dir, ["ci", "--no-audit", "--no-fund", "--prefer-offline"]);
    if (install !== 0) return failed(`npm ci exited ${install}`);
  }
  const test = await run(app, dir, ["test"]);
  return test === 0 ? { app, status: "passed", seconds: elapsed(started) } : failed(`npm test exited ${test}`);
}

/** Missing node_modules, or an install older than the lockfile (npm writes node_modules/.package-lock.json last). */
function installIsStale(dir: string): boolean {
  const lock = fs.statSync(path.join(dir, "package-lock.json"));
  for (const marker of [path.join(dir, "node_modules", ".package-lock.json"), path.join(dir, "node_modules")]) {
    if (fs.existsSync(marker)) return fs.statSync(marker).mtimeMs < lock.mtimeMs;
  }
  return true;
}

function readManifest(dir: string): { scripts?: Record<string, unknown> } | string {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { scripts?: Record<string, unknown> };
  } catch (error) {
    return `package.json is not valid JSON (${(error as Error).message})`;
  }
}

/** Runs npm in `dir`, every output line prefixed with the app's name; resolves to the exit code. */
function run(app: string, dir: string, args: readonly string[]): Promise<number> {
  const prefix = `[${app}] `;
  console.log(`${prefix}$ npm ${args.join(" ")}`);
  return new Promise((resolve) => {
    const child = spawn("npm", [...args], { cwd: dir, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    const pipes = [
      prefixLines(child.stdout, prefix, process.stdout),
      prefixLines(child.stderr, prefix, process.stderr),
    ];
    child.on("error", (error) => {
      console.error(`${prefix}cannot start npm: ${error.message}`);
      resolve(127);
    });
    child.on("close", (code, signal) => {
      void Promise.all(pipes).then(() => resolve(code ?? (signal !== null ? 128 : 1)));
    });
  });
}

function prefixLines(stream: NodeJS.ReadableStream, prefix: string, out: NodeJS.WritableStream): Promise<void> {
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  lines.on("line", (line) => out.write(`${prefix}${line}\n`));
  return new Promise((resolve) => lines.on("close", resolve));
}

function printSummary(outcomes: readonly Outcome[]): void {
  const width = Math.max(...outcomes.map((o) => o.app.length));
  console.log("\ntest:apps summary");
  for (const o of outcomes) {
    const name = o.app.padEnd(width);
    if (o.status === "spec-only") console.log(`  ${name}  spec only, no code yet`);
    else if (o.status === "passed") console.log(`  ${name}  passed  (${o.seconds.toFixed(1)} s)`);
    else console.log(`  ${name}  FAILED  (${o.seconds.toFixed(1)} s): ${o.why}`);
  }
  const failed = outcomes.filter((o) => o.status === "failed").length;
  const passed = outcomes.filter((o) => o.status === "passed").length;
  const specOnly = outcomes.length - failed - passed;
  console.log(`apps tested: ${passed} green, ${failed} red, ${specOnly} without code yet`);
}


function elapsed(since: number): number {
  return (Date.now() - since) / 1000;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`test:apps: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof UsageError) console.error("Run npm run test:apps -- --help for usage.");
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
