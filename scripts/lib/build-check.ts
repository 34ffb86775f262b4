/**
 * A build like Heroku's, on this machine: pack an app's source exactly as the
 * Build resource does, unpack it into an empty folder, install and build it as
 * the Node.js buildpack does, then run each Procfile process against a fresh
 * Postgres database and the local Redis, as a dyno would.
 *
 * Steps (as Heroku's Node.js buildpack runs them):
 *  1. packSource(apps/<name>) → extract into an empty folder
 *  2. heroku-prebuild → npm ci (dev dependencies included) → heroku-postbuild
 *     or build → (the caller's afterBuild) → npm prune --omit=dev → heroku-cleanup, all with
 *     NODE_ENV=production and the config vars visible, as on Heroku
 *  3. release (must exit 0), then each scheduled job's command as a one-off
 *     dyno (must exit 0), then each other process: `web` must answer
 *     GET <healthPath> with 200, `worker` must log a line containing "ready";
 *     then SIGTERM to the whole process group, exit 0 within 25 s.
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import * as tar from "tar";
import { packSource } from "../../components/heroku/source-archive.js";

export type ProcessKind = "web" | "worker" | "release";

/** What the check needs from the app's fleet spec (apps/<name>/deploy.ts). */
export interface CheckSpec {
  /** Path that must answer 200 on web processes. @default "/health" */
  readonly healthPath: string;
  /** Kind of each Procfile process type; a type not listed is `web` if named so, else `worker`. */
  readonly kinds: Readonly<Record<string, ProcessKind>>;
  /** Scheduler jobs: each command runs once as a one-off dyno after the release and must exit 0. @default [] */
  readonly jobs?: readonly { readonly name: string; readonly command: string }[];
}

export interface BuildCheckOptions {
  /** Name used for the database and in messages. */
  readonly name: string;
  /** The app's source folder (as in the repository). */
  readonly appDir: string;
  /** The spec; read from `<appDir>/deploy.ts` when omitted. */
  readonly spec?: CheckSpec;
  /** How long a web process may take to answer 200, or a worker to log ready. @default 15000 */
  readonly readyTimeoutMs?: number;
  /** How long a process may take to exit after SIGTERM (Heroku allows 30 s; the contract 25 s). @default 25000 */
  readonly shutdownTimeoutMs?: number;
  /** How long the release command may run. @default 120000 */
  readonly releaseTimeoutMs?: number;
  /** Postgres superuser URL used to create and drop the throwaway database. */
  readonly adminDatabaseUrl?: string;
  /** REDIS_URL given to the processes. */
  readonly redisUrl?: string;
  /**
   * Called once the build has run and before the prune: the build folder then
   * holds the full install (dev dependencies included) and the build's output,
   * as the app's own suite needs them. Timed as the step "after build"; a
   * rejection fails the check.
   */
  readonly afterBuild?: (buildDir: string) => Promise<void>;
  /** Keep the unpacked build folder afterwards (its path is in the report). @default false */
  readonly keepBuildDir?: boolean;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

export interface StepTiming {
  readonly step: string;
  readonly seconds: number;
}

export interface BuildCheckReport {
  readonly name: string;
  /** Files and SHA-256 of the uploaded tarball. */
  readonly files: readonly string[];
  readonly sha256: string;
  readonly buildDir: string;
  /** The throwaway database the processes used (dropped by now). */
  readonly database: string;
  readonly timings: readonly StepTiming[];
  /** Notes that do not fail the check (e.g. an engines.node the local Node does not match). */
  readonly warnings: readonly string[];
}

/** A failed step, with the tail of what the process printed. */
export class BuildCheckError extends Error {
  override readonly name = "BuildCheckError";
}

export const DEFAULT_ADMIN_DATABASE_URL = process.env.BUILD_CHECK_ADMIN_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
export const DEFAULT_REDIS_URL = process.env.BUILD_CHECK_REDIS_URL ?? "redis://127.0.0.1:6379";
const TAIL_LINES = 60;

// ── Parsing ──────────────────────────────────────────────────────────────────

/** Procfile process types in file order. Heroku's names: `^[-\w]{1,128}$`. */
export function parseProcfile(text: string): Map<string, string> {
  const processes = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^([-\w]{1,128}):\s*(.*?)\s*$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined && match[2] !== "") processes.set(match[1], match[2]);
  }
  return processes;
}

/** `KEY=value` lines as `heroku local` reads `.env`: comments, `export`, single or double quotes. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (match?.[1] === undefined) continue;
    let value = match[2] ?? "";
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, "");
    }
    env[match[1]] = value;
  }
  return env;
}

/** The healthPath and process kinds of `<appDir>/deploy.ts`; defaults when it has none or cannot load. */
export async function loadCheckSpec(appDir: string): Promise<{ spec: CheckSpec; warning?: string }> {
  const file = path.join(appDir, "deploy.ts");
  if (!fs.existsSync(file)) return { spec: { healthPath: "/health", kinds: {} } };
  try {
    const loaded = (await import(pathToFileURL(file).href)) as { default?: unknown };
    const spec = (loaded.default ?? {}) as {
      healthPath?: unknown;
      processes?: Record<string, { kind?: unknown }>;
      scheduledJobs?: readonly { name?: unknown; command?: unknown }[];
    };
    const kinds: Record<string, ProcessKind> = {};
    for (const [type, process] of Object.entries(spec.processes ?? {})) {
      if (process.kind === "web" || process.kind === "worker" || process.kind === "release") kinds[type] = process.kind;
    }
    const jobs = (spec.scheduledJobs ?? []).flatMap((job) =>
      typeof job.name === "string" && typeof job.command === "string" ? [{ name: job.name, command: job.command }] : [],
    );
    return { spec: { healthPath: typeof spec.healthPath === "string" ? spec.healthPath : "/health", kinds, jobs } };
  } catch (error) {
    const text = fs.readFileSync(file, "utf8");
    const healthPath = /healthPath:\s*["'`]([^"'`]+)["'`]/.exec(text)?.[1] ?? "/health";
    return {
      spec: { healthPath, kinds: {} },
      warning: `could not import deploy.ts (${(error as Error).message}); read healthPath ${healthPath} from its text`,
    };
  }
}

function kindOf(type: string, spec: CheckSpec): ProcessKind {
  return spec.kinds[type] ?? (type === "web" ? "web" : type === "release" ? "release" : "worker");
}

// ── The check ────────────────────────────────────────────────────────────────

/**
 * Runs the whole check for one app. Resolves with timings; rejects with a
 * BuildCheckError naming the failed step and the tail of its output.
 */
export async function runBuildCheck(options: BuildCheckOptions): Promise<BuildCheckReport> {
  const log = options.log ?? (() => undefined);
  const timings: StepTiming[] = [];
  const warnings: string[] = [];
  const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      timings.push({ step, seconds });
      log(`${options.name}: ${step} ${seconds.toFixed(1)} s`);
    }
  };

  const loaded = options.spec === undefined ? await loadCheckSpec(options.appDir) : { spec: options.spec };
  if ("warning" in loaded && loaded.warning !== undefined) warnings.push(loaded.warning);
  const spec = loaded.spec;

  const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), `fleet-build-check-${options.name}-`));
  const buildDir = path.join(root, "app");
  let database: ThrowawayDatabase | undefined;
  let failed = true;
  try {
    const archive = await timed("pack", () => packSource(options.appDir));
    await timed("unpack", async () => {
      await fs.promises.mkdir(buildDir);
      const file = path.join(root, "source.tgz");
      await fs.promises.writeFile(file, archive.tarball);
      await tar.x({ file, cwd: buildDir, strict: true });
    });

    const manifest = readManifest(buildDir);
    warnings.push(...checkManifest(manifest));
    const procfileText = await fs.promises.readFile(path.join(buildDir, "Procfile"), "utf8").catch(() => {
      throw new BuildCheckError(`${options.name}: the uploaded source has no Procfile (is it excluded?).`);
    });
    const processes = parseProcfile(procfileText);
    if (processes.size === 0) throw new BuildCheckError(`${options.name}: Procfile declares no process.`);

    database = await timed("create database", () =>
      createDatabase(options.adminDatabaseUrl ?? DEFAULT_ADMIN_DATABASE_URL, options.name),
    );
    const envExample = readEnvExample(buildDir);
    const configVars: Record<string, string> = {
      ...envExample,
      NODE_ENV: "production",
      DATABASE_URL: database.url,
      REDIS_URL: options.redisUrl ?? DEFAULT_REDIS_URL,
    };

    // Build, as the Node.js buildpack does.
    const buildEnv = { ...baseEnv(), ...configVars };
    const scripts = manifest.scripts ?? {};
    const npm = (step: string, args: string[]) =>
      timed(step, () => runToCompletion(`${options.name} ${step}`, "npm", args, buildDir, buildEnv, 15 * 60_000));
    if (scripts["heroku-prebuild"] !== undefined) await npm("heroku-prebuild", ["run", "heroku-prebuild"]);
    await npm("npm ci", ["ci", "--include=dev", "--no-audit", "--no-fund", "--prefer-offline"]);
    if (scripts["heroku-postbuild"] !== undefined) await npm("heroku-postbuild", ["run", "heroku-postbuild"]);
    else if (scripts.build !== undefined) await npm("build", ["run", "build"]);
    const afterBuild = options.afterBuild;
    if (afterBuild !== undefined) await timed("after build", () => afterBuild(buildDir));
    await npm("prune", ["prune", "--omit=dev", "--no-audit", "--no-fund"]);
    if (scripts["heroku-cleanup"] !== undefined) await npm("heroku-cleanup", ["run", "heroku-cleanup"]);

    // Run, as dynos do: release first, then every other process type.
    const dynoEnv = (dyno: string, port?: number): NodeJS.ProcessEnv => ({
      ...baseEnv(),
      PATH: `${process.env.PATH ?? ""}${path.delimiter}${path.join(buildDir, "node_modules", ".bin")}`,
      HOME: buildDir,
      ...configVars,
      DYNO: dyno,
      ...(port !== undefined ? { PORT: String(port) } : {}),
    });
    const release = processes.get("release");
    if (release !== undefined) {
      await timed("release", () =>
        runToCompletion(`${options.name} release`, "bash", ["-c", release], buildDir, dynoEnv("release.1"), options.releaseTimeoutMs ?? 120_000),
      );
    }
    for (const [index, job] of (spec.jobs ?? []).entries()) {
      await timed(`job ${job.name}`, () =>
        runToCompletion(`${options.name} job ${job.name}`, "bash", ["-c", job.command], buildDir, dynoEnv(`scheduler.${index + 1}`), options.releaseTimeoutMs ?? 120_000),
      );
    }
    for (const [type, command] of processes) {
      const kind = kindOf(type, spec);
      if (type === "release" || kind === "release") continue;
      const port = await freePort();
      const dyno = startDyno(`${options.name} ${type}`, command, buildDir, dynoEnv(`${type}.1`, port));
      try {
        await timed(`${type} ready`, () =>
          kind === "web"
            ? waitForHealth(dyno, port, spec.healthPath, options.readyTimeoutMs ?? 15_000)
            : waitForReadyLine(dyno, options.readyTimeoutMs ?? 15_000),
        );
        await timed(`${type} SIGTERM to exit`, () => stopDyno(dyno, options.shutdownTimeoutMs ?? 25_000));
      } finally {
        dyno.kill("SIGKILL");
      }
    }
    failed = false;
    return { name: options.name, files: archive.files, sha256: archive.sha256, buildDir, database: database.name, timings, warnings };
  } finally {
    if (database !== undefined) await database.drop();
    const keep = options.keepBuildDir === true || (failed && process.env.BUILD_CHECK_KEEP === "1");
    if (keep) log(`${options.name}: build folder kept at ${buildDir}`);
    else await fs.promises.rm(root, { recursive: true, force: true });
  }
}

interface Manifest {
  readonly engines?: { readonly node?: unknown };
  readonly scripts?: Readonly<Record<string, unknown>>;
}

function readManifest(buildDir: string): Manifest {
  try {
    return JSON.parse(fs.readFileSync(path.join(buildDir, "package.json"), "utf8")) as Manifest;
  } catch (error) {
    throw new BuildCheckError(`The uploaded package.json cannot be read: ${(error as Error).message}`);
  }
}

/** Heroku installs the Node of engines.node; say when this machine's differs, since then the check is not faithful. */
function checkManifest(manifest: Manifest): string[] {
  const wanted = manifest.engines?.node;
  if (typeof wanted !== "string") {
    return ["package.json has no engines.node: Heroku would install its current default Node, not necessarily this one"];
  }
  const major = Number(process.versions.node.split(".")[0]);
  const simple = /^\s*(?:[\^~]|>=)?\s*(\d+)(?:\.[\dx*]+){0,2}\s*$/.exec(wanted);
  const wantedMajor = simple?.[1] !== undefined ? Number(simple[1]) : undefined;
  const greaterOrEqual = wanted.trim().startsWith(">=");
  if (wantedMajor === undefined) return [];
  const matches = greaterOrEqual ? major >= wantedMajor : major === wantedMajor;
  return matches ? [] : [`engines.node is "${wanted}" but this check runs Node ${process.versions.node}`];
}

function readEnvExample(buildDir: string): Record<string, string> {
  const file = path.join(buildDir, ".env.example");
  return fs.existsSync(file) ? parseEnvFile(fs.readFileSync(file, "utf8")) : {};
}

/** The little a dyno inherits from the machine; everything else comes from config vars. */
function baseEnv(): NodeJS.ProcessEnv {
  const keep = [
    ...["PATH", "HOME", "TMPDIR", "LANG", "TZ"],
    // This machine's way to the registry: proxies and the CA that signs their certificates.
    ...["HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy"],
    ...["NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR"],
    ...["npm_config_cache", "npm_config_registry", "npm_config_userconfig", "npm_config_cafile"],
  ];
  const env: NodeJS.ProcessEnv = { NEXT_TELEMETRY_DISABLED: "1", NPM_CONFIG_UPDATE_NOTIFIER: "false" };
  for (const key of keep) if (process.env[key] !== undefined) env[key] = process.env[key];
  return env;
}

// ── Databases ────────────────────────────────────────────────────────────────

interface ThrowawayDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

async function createDatabase(adminUrl: string, appName: string): Promise<ThrowawayDatabase> {
  const dbName = `build_check_${appName.toLowerCase().replace(/[^a-z0-9]+/g, "_").slice(0, 30)}_${crypto.randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${dbName}"`);
  } catch (error) {
    throw new BuildCheckError(
      `${appName}: cannot create database ${dbName} with ${redactUrl(adminUrl)}: ${(error as Error).message}. ` +
        `The build check needs the local Postgres (set BUILD_CHECK_ADMIN_DATABASE_URL to point elsewhere).`,
    );
  } finally {
    await admin.end().catch(() => undefined);
  }
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  return {
    name: dbName,
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
      try {
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  };
}

function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password !== "") url.password = "***";
    return url.toString();
  } catch {
    return "(unparsable URL)";
  }
}

// ── Processes ────────────────────────────────────────────────────────────────

/** A running Procfile process: its own process group, its output kept for failure messages. */
interface Dyno {
  readonly label: string;
  readonly child: ChildProcess;
  readonly output: string[];
  /** Resolves with the exit code (or 128+signal) once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Called with every output line. */
  onLine: ((line: string) => void) | undefined;
  kill(signal: NodeJS.Signals): void;
}

function startDyno(label: string, command: string, cwd: string, env: NodeJS.ProcessEnv): Dyno {
  return spawnProcess(label, "bash", ["-c", command], cwd, env);
}

/**
 * Process groups still running. Each runs detached (so a signal reaches every
 * process of the "dyno"), which also means it would outlive a test runner
 * that exits mid-check: kill what is left when this process exits.
 */
const liveGroups = new Set<number>();
process.once("exit", () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});

function spawnProcess(label: string, file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): Dyno {
  const child = spawn(file, [...args], { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  if (child.pid !== undefined) liveGroups.add(child.pid);
  const output: string[] = [];
  const dyno: Dyno = {
    label,
    child,
    output,
    onLine: undefined,
    exited: new Promise((resolve) => {
      child.on("error", (error) => {
        output.push(`(cannot start: ${error.message})`);
        resolve({ code: 127, signal: null });
      });
      child.on("close", (code, signal) => {
        if (child.pid !== undefined) liveGroups.delete(child.pid);
        resolve({ code, signal });
      });
    }),
    // The whole group, as Heroku signals every process of a dyno; harmless once it is gone.
    kill: (signal) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    },
  };
  for (const stream of [child.stdout, child.stderr]) {
    let pending = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      const parts = (pending + chunk).split(/\r?\n/);
      pending = parts.pop() ?? "";
      for (const line of parts) pushLine(dyno, line);
    });
    stream?.on("end", () => {
      if (pending !== "") pushLine(dyno, pending);
      pending = "";
    });
  }
  return dyno;
}

function pushLine(dyno: Dyno, line: string): void {
  dyno.output.push(line);
  if (dyno.output.length > 2000) dyno.output.splice(0, dyno.output.length - 2000);
  dyno.onLine?.(line);
}

function tail(dyno: Dyno): string {
  const lines = dyno.output.slice(-TAIL_LINES);
  return lines.length === 0 ? "  (no output)" : lines.map((line) => `  | ${line}`).join("\n");
}

function describeExit(result: { code: number | null; signal: NodeJS.Signals | null }): string {
  return result.signal !== null ? `was killed by ${result.signal}` : `exited ${result.code}`;
}

/** Runs a command to its end; rejects unless it exits 0 in time. */
async function runToCompletion(
  label: string,
  file: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<void> {
  const dyno = spawnProcess(label, file, args, cwd, env);
  const timer = setTimeout(() => dyno.kill("SIGKILL"), timeoutMs);
  const started = performance.now();
  const result = await dyno.exited.finally(() => clearTimeout(timer));
  if (result.code === 0) return;
  const timedOut = performance.now() - started >= timeoutMs;
  throw new BuildCheckError(
    `${label} ${timedOut ? `did not finish within ${timeoutMs / 1000} s` : describeExit(result)} ` +
      `(${[file, ...args].join(" ")}). Last output:\n${tail(dyno)}`,
  );
}

/** Polls GET <healthPath> until 200; rejects if the process exits first or time runs out. */
async function waitForHealth(dyno: Dyno, port: number, healthPath: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void dyno.exited.then((result) => {
    exited = result;
  });
  let last = "no answer yet";
  while (performance.now() < deadline) {
    if (exited !== undefined) {
      throw new BuildCheckError(`${dyno.label} ${describeExit(exited)} before answering ${healthPath}. Last output:\n${tail(dyno)}`);
    }
    const answer = await httpGet(port, healthPath);
    if (answer.status === 200) return;
    last = answer.status === undefined ? answer.error : `HTTP ${answer.status}: ${answer.body.slice(0, 300)}`;
    await sleep(100);
  }
  throw new BuildCheckError(
    `${dyno.label} did not answer GET ${healthPath} with 200 within ${timeoutMs / 1000} s (last: ${last}). Last output:\n${tail(dyno)}`,
  );
}

/** Waits for an output line containing "ready" (the worker contract). */
async function waitForReadyLine(dyno: Dyno, timeoutMs: number): Promise<void> {
  const isReady = (line: string) => /\bready\b/i.test(line);
  if (dyno.output.some(isReady)) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      dyno.onLine = undefined;
      reject(new BuildCheckError(`${dyno.label} logged no line containing "ready" within ${timeoutMs / 1000} s. Last output:\n${tail(dyno)}`));
    }, timeoutMs);
    dyno.onLine = (line) => {
      if (!isReady(line)) return;
      clearTimeout(timer);
      dyno.onLine = undefined;
      resolve();
    };
    void dyno.exited.then((result) => {
      clearTimeout(timer);
      dyno.onLine = undefined;
      reject(new BuildCheckError(`${dyno.label} ${describeExit(result)} before reporting ready. Last output:\n${tail(dyno)}`));
    });
  });
}

/** SIGTERM to the process group, as Heroku does to a dyno; must exit 0 in time. */
async function stopDyno(dyno: Dyno, timeoutMs: number): Promise<void> {
  dyno.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, timeoutMs, undefined)));
  // The timer is cleared once the dyno exits: a pending one would keep the caller's process alive for its length.
  const result = await Promise.race([dyno.exited, timeUp]).finally(() => clearTimeout(timer));
  if (result === undefined) {
    dyno.kill("SIGKILL");
    throw new BuildCheckError(`${dyno.label} was still running ${timeoutMs / 1000} s after SIGTERM. Last output:\n${tail(dyno)}`);
  }
  if (result.code !== 0) {
    throw new BuildCheckError(`${dyno.label} ${describeExit(result)} after SIGTERM; it should exit 0. Last output:\n${tail(dyno)}`);
  }
}

function httpGet(port: number, urlPath: string): Promise<{ status?: number; body: string; error: string }> {
  return new Promise((resolve) => {
    const request = http.get({ host: "127.0.0.1", port, path: urlPath, timeout: 2000, agent: false }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        if (body.length < 4096) body += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode, body, error: "" }));
      response.on("error", (error) => resolve({ body, error: error.message }));
    });
    request.on("timeout", () => request.destroy(new Error("timed out after 2 s")));
    request.on("error", (error) => resolve({ body: "", error: error.message }));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
