/**
 * The real threads-api, built from its source beside this app (or the folder
 * THREADS_API_DIR names) in a scratch copy, started with its own fakes of
 * Threads and of the moderation API, its own throwaway database and Redis
 * key prefix — as the browser test needs it. The build is kept in the
 * system's temp folder under a hash of the API's source, so it is made once.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { APP_DIR } from "./global-build.js";

export const THREADS_API_SOURCE = path.resolve(process.env.THREADS_API_DIR ?? path.join(APP_DIR, "..", "threads-api"));
const SHARED_SOURCE = path.join(THREADS_API_SOURCE, "..", "shared");
/** What the browser test needs of threads-api: its server, release, ingest job and the fakes it ships for other apps' tests. */
const NEEDED = ["package-lock.json", "src/server.ts", "src/migrate.ts", "src/jobs/ingest.ts", "test/support/fake-threads-cli.ts", ".env.example"];
const ADMIN_DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** Why the real API cannot be used here, or undefined when it can. */
export function threadsApiMissing(): string | undefined {
  const missing = NEEDED.filter((file) => !fs.existsSync(path.join(THREADS_API_SOURCE, file)));
  if (missing.length > 0) return `threads-api has no ${missing.join(", ")} in ${THREADS_API_SOURCE} yet (set THREADS_API_DIR to a checkout that has them)`;
  if (!fs.existsSync(path.join(SHARED_SOURCE, "env.ts"))) return `no apps/shared beside ${THREADS_API_SOURCE}`;
  return undefined;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (["node_modules", "dist", ".git"].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) yield full;
    else if (entry.isDirectory()) yield* sourceFiles(full);
    else yield full;
  }
}

function hashOf(dirs: readonly string[]): string {
  const hash = createHash("sha256");
  for (const dir of dirs) {
    for (const file of sourceFiles(dir)) {
      hash.update(path.relative(path.dirname(dir), file));
      hash.update(fs.lstatSync(file).isSymbolicLink() ? fs.readlinkSync(file) : fs.readFileSync(file));
    }
  }
  return hash.digest("hex").slice(0, 16);
}

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, [...args], { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} in ${cwd} exited ${result.status}:\n${result.stdout}\n${result.stderr}`.slice(-4000));
}

/** threads-api's own node_modules, when its suite installed it from the current lockfile (npm writes .package-lock.json last). */
function currentInstall(): string | undefined {
  const modules = path.join(THREADS_API_SOURCE, "node_modules");
  const marker = path.join(modules, ".package-lock.json");
  if (!fs.existsSync(marker)) return undefined;
  return fs.statSync(marker).mtimeMs >= fs.statSync(path.join(THREADS_API_SOURCE, "package-lock.json")).mtimeMs ? modules : undefined;
}

/**
 * Builds a copy of threads-api (once per version of its source) and returns
 * the copy's app folder. Its dependencies are threads-api's own node_modules
 * when its suite has installed them (hard-linked, not copied: a symlinked
 * node_modules gives tsc two paths to the same types), else a fresh npm ci.
 */
export function buildThreadsApi(): string {
  const root = path.join(os.tmpdir(), `threads-web-api-${hashOf([THREADS_API_SOURCE, SHARED_SOURCE])}`);
  const appDir = path.join(root, "apps", "threads-api");
  const usable = fs.existsSync(path.join(root, "built")) && fs.existsSync(path.join(appDir, "node_modules", ".package-lock.json"));
  if (usable) return appDir;
  fs.rmSync(root, { recursive: true, force: true });
  const skip = (source: string) => !/[\\/](node_modules|dist)([\\/]|$)/.test(source);
  fs.cpSync(THREADS_API_SOURCE, appDir, { recursive: true, verbatimSymlinks: true, filter: skip });
  fs.cpSync(SHARED_SOURCE, path.join(root, "apps", "shared"), { recursive: true, filter: skip });
  const installed = currentInstall();
  if (installed !== undefined) run("cp", ["-al", installed, path.join(appDir, "node_modules")], appDir);
  else run("npm", ["ci", "--no-audit", "--no-fund", "--prefer-offline"], appDir);
  run("npm", ["run", "build"], appDir);
  fs.writeFileSync(path.join(root, "built"), new Date().toISOString());
  return appDir;
}

function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined) env[match[1]] = (match[2] ?? "").replace(/^(["'])(.*)\1$/, "$2");
  }
  return env;
}

interface Fakes {
  readonly threadsUrl: string;
  readonly authorizeUrl: string;
  readonly moderationUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly apiKey: string;
}

function startFakes(appDir: string, username: string): Promise<{ child: ChildProcess; fakes: Fakes }> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/support/fake-threads-cli.ts", "--auto-approve", username], {
    cwd: appDir,
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("threads-api's fake Threads did not start within 20 s")), 20_000);
    child.once("exit", (code) => reject(new Error(`threads-api's fake Threads exited ${code}`)));
    createInterface({ input: child.stdout! }).once("line", (line) => {
      clearTimeout(timer);
      resolve({ child, fakes: JSON.parse(line) as Fakes });
    });
  });
}

/** SQL and Redis clean-up with the API copy's own drivers (this app has none). */
function adminScript(appDir: string, script: string, env: Readonly<Record<string, string>>): void {
  run(process.execPath, ["--input-type=module", "-e", script], appDir, { ...process.env, ...env });
}

export interface RunningThreadsApi {
  readonly url: string;
  /** The `ingest` scheduled job, run once as a one-off dyno would. */
  ingest(): void;
  close(): Promise<void>;
}

/**
 * Starts threads-api on `port` for a site at `webUrl`, signing in through its
 * fake Threads as `username` without a consent page.
 */
export async function startThreadsApi(options: { port: number; webUrl: string; username: string }): Promise<RunningThreadsApi> {
  const appDir = buildThreadsApi();
  const suffix = randomBytes(4).toString("hex");
  const database = `threads_web_browser_${suffix}`;
  const databaseUrl = new URL(ADMIN_DATABASE_URL);
  databaseUrl.pathname = `/${database}`;
  const prefix = `threads-web-browser-${suffix}:`;
  const admin = { ADMIN_URL: ADMIN_DATABASE_URL, DB: database, REDIS: REDIS_URL, PREFIX: prefix };
  adminScript(appDir, `import pg from "pg"; const c = new pg.Client(process.env.ADMIN_URL); await c.connect(); await c.query('CREATE DATABASE "' + process.env.DB + '"'); await c.end();`, admin);

  const { child: fakesProcess, fakes } = await startFakes(appDir, options.username);
  const url = `http://127.0.0.1:${options.port}`;
  const env: NodeJS.ProcessEnv = {
    ...parseEnvFile(fs.readFileSync(path.join(appDir, ".env.example"), "utf8")),
    PATH: process.env.PATH ?? "",
    NODE_ENV: "production",
    APP_ENV: "development", // plain http here: SameSite=Lax cookies without Secure
    PORT: String(options.port),
    LOG_LEVEL: "warn",
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    WEB_APP_URL: options.webUrl,
    CORS_ALLOWED_ORIGINS: options.webUrl,
    SESSION_COOKIE_DOMAIN: "",
    THREADS_CLIENT_ID: fakes.clientId,
    THREADS_CLIENT_SECRET: fakes.clientSecret,
    THREADS_REDIRECT_URI: `${url}/api/v1/auth/threads/callback`,
    THREADS_AUTHORIZE_URL: fakes.authorizeUrl,
    THREADS_API_BASE_URL: fakes.threadsUrl,
    OPENAI_API_KEY: fakes.apiKey,
    OPENAI_BASE_URL: fakes.moderationUrl,
  };
  run(process.execPath, ["dist/migrate.js"], appDir, env);
  const web = spawn(process.execPath, ["dist/server.js"], { cwd: appDir, env, stdio: ["ignore", "ignore", "inherit"] });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const healthy = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (healthy) break;
    if (web.exitCode !== null || Date.now() > deadline) throw new Error(`threads-api did not answer /health (exit ${web.exitCode})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  return {
    url,
    ingest: () => run(process.execPath, ["dist/jobs/ingest.js"], appDir, env),
    async close() {
      for (const child of [web, fakesProcess]) {
        if (child.exitCode === null) {
          child.kill("SIGTERM");
          await new Promise((resolve) => child.once("exit", resolve));
        }
      }
      adminScript(
        appDir,
        `import pg from "pg"; import { Redis } from "ioredis";
         const c = new pg.Client(process.env.ADMIN_URL); await c.connect(); await c.query('DROP DATABASE IF EXISTS "' + process.env.DB + '" WITH (FORCE)'); await c.end();
         const r = new Redis(process.env.REDIS); let cursor = "0";
         do { const [next, keys] = await r.scan(cursor, "MATCH", process.env.PREFIX + "*", "COUNT", 500); cursor = next; if (keys.length) await r.del(...keys); } while (cursor !== "0");
         r.disconnect();`,
        admin,
      );
    },
  };
}
