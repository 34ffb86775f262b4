/**
 * `npm run test:apps [-- --app <name>]`: every app's Heroku-like build check,
 * then its own test suite.
 *
 * Each app under apps/ is a self-contained npm package. Its build check packs
 * it as a Build uploads it, installs it with `npm ci` from that tarball alone,
 * builds it, prunes it and runs each Procfile process as a dyno
 * (scripts/lib/build-check.ts). The suite then runs in the app's folder on
 * that same install: when the folder's node_modules is missing or older than
 * the lockfile, the build's (taken before the prune, by hard links) becomes
 * the app's instead of a second `npm ci`; and the build's output is offered
 * to the suite in FLEET_APP_BUILD (a suite that builds, as threads-web's
 * does, takes it when its sources match instead of building again). Apps
 * without a Procfile, or with --no-build-check, are installed with `npm ci`.
 *
 * `--jobs` lanes run the build checks first and the suites as their builds
 * end, output lines prefixed with the app's name; a summary line per app ends
 * the run and the exit code is non-zero when any build check or suite failed.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { APPS_DIR, listApps } from "./lib/apps";
import { runBuildCheck } from "./lib/build-check";
import { inTwoStagePool } from "./lib/pool";

const USAGE = `Usage: npm run test:apps [-- --app <name> ...]

For every app under apps/ that has a package.json: the Heroku-like build check
(when it has a Procfile), then its own \`npm test\` on the build's install (or
on \`npm ci\` from its package-lock.json when node_modules is missing or older
than the lockfile and there was no build to take it from). Apps without a
package.json are listed as "spec only, no code yet". Exits non-zero when any
app fails.

Options:
  --app, -a <name>  test only this app (repeatable)
  --jobs, -j <n>    build checks and suites run at the same time (default 1; output lines keep their app prefix)
  --install         take the build's install (or run npm ci) even when node_modules looks current
  --no-build-check  skip the build checks; suites install with npm ci when needed
  --help, -h        show this help

The build checks and the apps' tests use the machine's Postgres and Redis
(DATABASE_URL, REDIS_URL; BUILD_CHECK_ADMIN_DATABASE_URL for the build
check's throwaway databases).`;

/** How one part of an app's run ended: its build check or its suite. */
type Step =
  | { readonly status: "passed"; readonly seconds: number }
  | { readonly status: "failed"; readonly seconds: number; readonly why: string }
  | { readonly status: "skipped"; readonly why: string };

type Outcome =
  | { readonly app: string; readonly status: "tested"; readonly buildCheck: Step; readonly suite: Step }
  | { readonly app: string; readonly status: "spec-only" };

interface RunOptions {
  readonly forceInstall: boolean;
  readonly buildCheck: boolean;
}

class UsageError extends Error {}

async function main(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        app: { type: "string", short: "a", multiple: true },
        install: { type: "boolean" },
        "no-build-check": { type: "boolean" },
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
  const options: RunOptions = { forceInstall: values.install === true, buildCheck: values["no-build-check"] !== true };
  // Every build check first, the suites as their builds end: see inTwoStagePool.
  const outcomes = await inTwoStagePool(selected, jobs, (app) => prepareApp(app, options), runSuite);
  printSummary(outcomes);
  return outcomes.some(failed) ? 1 : 0;
}

function failed(outcome: Outcome): boolean {
  return outcome.status === "tested" && (outcome.buildCheck.status === "failed" || outcome.suite.status === "failed");
}

/** What an app's first stage leaves its suite. */
type Prepared =
  | { readonly status: "spec-only" }
  | { readonly status: "refused"; readonly why: string }
  | {
      readonly status: "built";
      readonly buildCheck: Step;
      /** The build's install became the app's node_modules. */
      readonly installed: boolean;
      readonly needsInstall: boolean;
      /** Scratch folder holding a copy of the build folder without node_modules (FLEET_APP_BUILD), when the build ran. */
      readonly scratch: string;
    };

/** First stage: the app's own files are checked, then its build check runs and hands its install over. */
async function prepareApp(app: string, options: RunOptions): Promise<Prepared> {
  const dir = path.join(APPS_DIR, app);
  if (!fs.existsSync(path.join(dir, "package.json"))) return { status: "spec-only" };
  const manifest = readManifest(dir);
  if (typeof manifest === "string") return { status: "refused", why: manifest };
  if (typeof manifest.scripts?.test !== "string") return { status: "refused", why: `package.json has no "test" script (the app contract asks for one)` };
  if (!fs.existsSync(path.join(dir, "package-lock.json"))) {
    return { status: "refused", why: `no package-lock.json: run npm install in apps/${app} and commit the lockfile` };
  }

  const needsInstall = options.forceInstall || installIsStale(dir);
  const scratch = await fs.promises.mkdtemp(path.join(os.tmpdir(), `fleet-test-apps-${app}-`));
  let installed = false;
  if (!options.buildCheck || !fs.existsSync(path.join(dir, "Procfile"))) {
    const why = options.buildCheck ? "no Procfile" : "--no-build-check";
    return { status: "built", buildCheck: { status: "skipped", why }, installed, needsInstall, scratch };
  }
  const buildCheck = await timedStep(async () => {
    const report = await runBuildCheck({
      name: app,
      appDir: dir,
      log: (line) => console.log(`[${app}] build check: ${line.replace(`${app}: `, "")}`),
      afterBuild: async (buildDir) => {
        // The suite's install is the build's own, dev dependencies included: one npm ci, not two.
        if (needsInstall) {
          await takeInstall(path.join(buildDir, "node_modules"), path.join(dir, "node_modules"));
          installed = true;
        }
        const built = (await fs.promises.readdir(buildDir)).filter((name) => name !== "node_modules").map((name) => path.join(buildDir, name));
        const copy = path.join(scratch, "build");
        await fs.promises.mkdir(copy);
        await copyTree(built, copy);
      },
    });
    console.log(`[${app}] build check passed: ${report.files.length} files, sha256 ${report.sha256.slice(0, 12)}…`);
    for (const warning of report.warnings) console.log(`[${app}] build check warning: ${warning}`);
  });
  return { status: "built", buildCheck, installed, needsInstall, scratch };
}

/** Second stage: the app's own suite, on the build's install (or npm ci's) and offered the build's output. */
async function runSuite(app: string, prepared: Prepared): Promise<Outcome> {
  if (prepared.status === "spec-only") return { app, status: "spec-only" };
  const notRun: Step = { status: "skipped", why: "not run" };
  if (prepared.status === "refused") return { app, status: "tested", buildCheck: notRun, suite: { status: "failed", seconds: 0, why: prepared.why } };
  const dir = path.join(APPS_DIR, app);
  try {
    const suite = await timedStep(async () => {
      if (prepared.needsInstall && !prepared.installed) {
        const install = await run(app, dir, ["ci", "--no-audit", "--no-fund", "--prefer-offline"], process.env);
        if (install !== 0) throw new Error(`npm ci exited ${install}`);
      }
      const built = path.join(prepared.scratch, "build");
      const env = fs.existsSync(built) ? { ...process.env, FLEET_APP_BUILD: built } : process.env;
      const test = await run(app, dir, ["test"], env);
      if (test !== 0) throw new Error(`npm test exited ${test}`);
    });
    return { app, status: "tested", buildCheck: prepared.buildCheck, suite };
  } finally {
    await fs.promises.rm(prepared.scratch, { recursive: true, force: true });
  }
}

/** Runs `work`, timing it; a throw becomes a failed step that keeps the message. */
async function timedStep(work: () => Promise<void>): Promise<Step> {
  const started = Date.now();
  try {
    await work();
    return { status: "passed", seconds: elapsed(started) };
  } catch (error) {
    return { status: "failed", seconds: elapsed(started), why: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * `cp -a` of `sources` to `target` (a folder's contents when there is one
 * source, into `target` when there are several): links, modes and times kept,
 * and five times faster than fs.cp on a node_modules of 12,000 files.
 */
async function copyTree(sources: readonly string[], target: string, flags = "-a"): Promise<void> {
  if (sources.length === 0) return;
  const child = spawn("cp", [flags, ...sources, target], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const [code] = (await once(child, "close")) as [number | null];
  if (code !== 0) throw new Error(`cp ${flags} ${sources.join(" ")} ${target} exited ${String(code)}: ${stderr.trim().split("\n").slice(-3).join(" / ")}`);
}

/**
 * The build's node_modules as the app's: hard links (no data copied) where
 * both folders are on one filesystem, else a copy. Safe because the build
 * folder only deletes files from here on (npm prune, cleanup) — except npm's
 * hidden lockfile, which the prune rewrites in place, so that one is copied.
 */
async function takeInstall(buildModules: string, appModules: string): Promise<void> {
  await fs.promises.rm(appModules, { recursive: true, force: true });
  try {
    await copyTree([buildModules], appModules, "-al");
  } catch {
    await fs.promises.rm(appModules, { recursive: true, force: true });
    await copyTree([buildModules], appModules);
    return;
  }
  const hidden = path.join(appModules, ".package-lock.json");
  if (fs.existsSync(hidden)) {
    await fs.promises.rm(hidden);
    await fs.promises.copyFile(path.join(buildModules, ".package-lock.json"), hidden);
  }
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
function run(app: string, dir: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const prefix = `[${app}] `;
  console.log(`${prefix}$ npm ${args.join(" ")}`);
  return new Promise((resolve) => {
    const child = spawn("npm", [...args], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
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

function describeStep(label: string, step: Step): string {
  if (step.status === "skipped") return `${label} skipped (${step.why})`;
  if (step.status === "passed") return `${label} passed (${step.seconds.toFixed(1)} s)`;
  return `${label} FAILED (${step.seconds.toFixed(1)} s): ${step.why}`;
}

function printSummary(outcomes: readonly Outcome[]): void {
  const width = Math.max(...outcomes.map((o) => o.app.length));
  console.log("\ntest:apps summary");
  for (const o of outcomes) {
    const name = o.app.padEnd(width);
    if (o.status === "spec-only") console.log(`  ${name}  spec only, no code yet`);
    else console.log(`  ${name}  ${failed(o) ? "FAILED" : "passed"}  ${describeStep("build check", o.buildCheck)}; ${describeStep("suite", o.suite)}`);
  }
  const red = outcomes.filter(failed).length;
  const tested = outcomes.filter((o) => o.status === "tested").length;
  console.log(`apps tested: ${tested - red} green, ${red} red, ${outcomes.length - tested} without code yet`);
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
