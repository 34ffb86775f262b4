/**
 * The Procfile's processes and the scheduled jobs as Heroku runs them: the
 * built JS started with an environment. Boot fails naming bad variables;
 * release migrates and exits 0 (non-zero on failure); web answers /health and
 * drains on SIGTERM; the jobs exit 0 with nothing to do; an ingest run
 * killed mid-job leaves its job to the next run. Every stdout line is JSON
 * with the stack, and none carries a secret.
 */
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenCipher } from "../src/auth/token-cipher.js";
import { UserRepository } from "../src/data/users.js";
import { QUEUE_KEYS } from "../src/ingestion/work-queue.js";
import { buildApp, runBuilt, type LogLine } from "./kit/processes.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { FakeModeration } from "./support/fake-moderation.js";
import { FakeThreads } from "./support/fake-threads.js";
import { ACCESS_SECRET, Browser, CLIENT_ID, CLIENT_SECRET, freePort, KEY_A, REFRESH_SECRET, SCHEMA, signIn, WEB_ORIGIN } from "./support/harness.js";
import { createTestRedis, REDIS_URL, type TestRedis } from "./support/redis.js";
import { demoUsers } from "./support/threads-data.js";

const APP_DIR = fileURLToPath(new URL("..", import.meta.url));

const run = (script: string, env: Record<string, string>) => runBuilt(APP_DIR, [script], env);

describe("the built processes", () => {
  let db: TestDatabase;
  let redis: TestRedis;
  let threads: FakeThreads;
  let moderation: FakeModeration;
  let env: Record<string, string>;
  const secrets = [ACCESS_SECRET, REFRESH_SECRET, CLIENT_SECRET, KEY_A, "sk-test-moderation-key"];

  beforeAll(async () => {
    buildApp(APP_DIR);
    db = await createTestDatabase("procs");
    redis = await createTestRedis("procs");
    threads = await FakeThreads.start({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, users: demoUsers() });
    moderation = await FakeModeration.start({ apiKey: "sk-test-moderation-key" });
    env = {
      APP_ENV: "staging",
      NODE_ENV: "production",
      DATABASE_URL: db.url,
      DATABASE_SCHEMA: SCHEMA,
      PG_POOL_MAX: "3",
      REDIS_URL,
      REDIS_KEY_PREFIX: redis.prefix,
      JWT_ACCESS_SECRET: ACCESS_SECRET,
      JWT_REFRESH_SECRET: REFRESH_SECRET,
      TOKEN_ENCRYPTION_KEYS: KEY_A,
      CORS_ALLOWED_ORIGINS: WEB_ORIGIN,
      WEB_APP_URL: WEB_ORIGIN,
      THREADS_CLIENT_ID: CLIENT_ID,
      THREADS_CLIENT_SECRET: CLIENT_SECRET,
      THREADS_REDIRECT_URI: "https://api.example.test/api/v1/auth/threads/callback",
      THREADS_AUTHORIZE_URL: `${threads.url}/oauth/authorize`,
      THREADS_API_BASE_URL: threads.url,
      OPENAI_API_KEY: "sk-test-moderation-key",
      OPENAI_BASE_URL: moderation.url,
    };
  }, 120_000);
  afterAll(async () => {
    await threads?.close();
    await moderation?.close();
    await redis?.close();
    await db?.drop();
  });

  function expectCleanLog(lines: readonly LogLine[]): void {
    for (const line of lines) expect(line["appEnv"], JSON.stringify(line)).toBe("staging");
    const text = JSON.stringify(lines);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/THLL|THSL/);
  }

  it("refuse to boot without their variables, naming each and exiting 1", async () => {
    for (const script of ["dist/server.js", "dist/migrate.js", "dist/jobs/ingest.js", "dist/jobs/retention.js"]) {
      const proc = run(script, { APP_ENV: "staging", JWT_ACCESS_SECRET: "too-short-secret", RETENTION_DAYS: "-1" });
      expect((await proc.exit).code, script).toBe(1);
      const problems = (proc.lines[0]?.["problems"] as { variable: string }[]).map((problem) => problem.variable);
      expect(problems, script).toEqual(expect.arrayContaining(["DATABASE_URL", "REDIS_URL", "JWT_ACCESS_SECRET", "THREADS_CLIENT_SECRET", "RETENTION_DAYS"]));
      expect(JSON.stringify(proc.lines)).not.toContain("too-short-secret");
    }
  });

  it("release migrates and exits 0, again and again; exits non-zero when it cannot", async () => {
    const first = run("dist/migrate.js", env);
    expect(await first.exit).toEqual({ code: 0, signal: null });
    expect(first.lines.at(-1)).toMatchObject({ msg: "migrations applied", appEnv: "staging" });
    const second = run("dist/migrate.js", env);
    expect(await second.exit).toEqual({ code: 0, signal: null });
    expect(second.lines.at(-1)).toMatchObject({ msg: "schema up to date", applied: [] });
    const broken = run("dist/migrate.js", { ...env, DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" });
    expect((await broken.exit).code).toBe(1);
    expect(broken.lines.at(-1)).toMatchObject({ level: "fatal" });
    expectCleanLog([...first.lines, ...second.lines]);
  });

  it("the scheduled jobs exit 0 with nobody to ingest and nothing to delete", async () => {
    for (const script of ["dist/jobs/ingest.js", "dist/jobs/retention.js"]) {
      const job = run(script, env);
      expect(await job.exit, script).toEqual({ code: 0, signal: null });
      expectCleanLog(job.lines);
    }
    expect((await redis.keys()).filter((key) => key.includes(":queue:"))).toEqual([]);
  });

  it("web listens on $PORT, answers /health, and on SIGTERM finishes the sign-in in flight and exits 0", async () => {
    const port = await freePort();
    const web = run("dist/server.js", { ...env, PORT: String(port) });
    try {
      await web.waitFor((line) => line["msg"] === "listening");
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/health`)).status).toBe(200);

      const browser = new Browser(base, WEB_ORIGIN);
      threads.delay("/v1.0/me", 1_500);
      const inFlight = signIn(browser, threads, "alice");
      await new Promise((resolve) => setTimeout(resolve, 500));
      web.child.kill("SIGTERM");
      const answer = await inFlight;
      expect(answer.status).toBe(302);
      expect(answer.headers.get("location")).toBe(`${WEB_ORIGIN}/dashboard`);
      expect(await web.exit).toEqual({ code: 0, signal: null });
      await expect(fetch(`${base}/health`)).rejects.toThrow();
      expect(web.lines.map((line) => line["msg"])).toContain("shut down cleanly");
      const requestLines = web.lines.filter((line) => line["msg"] === "request completed");
      expect(requestLines.every((line) => typeof line["request_id"] === "string")).toBe(true);
      expectCleanLog(web.lines);
    } finally {
      threads.delay("/v1.0/me", 0);
      web.child.kill("SIGKILL");
    }
  });

  it("an ingest run killed mid-job leaves the job to the next run, which drains the queue", async () => {
    const pool = new pg.Pool({ connectionString: db.url, options: `-c search_path=${SCHEMA}`, max: 2 });
    try {
      const users = new UserRepository(pool, new TokenCipher([KEY_A]));
      const token = threads.issueLongLived("bob");
      const bob = await users.signedIn({ id: threads.user("bob").id, username: "bob", name: "Bob" }, token.accessToken, token.expiresAt);
      // Bob alone is due, so the killed run is holding his job.
      await pool.query("DELETE FROM users WHERE id <> $1", [bob.id]);

      threads.delay("/v1.0/me/threads", 30_000);
      const doomed = run("dist/jobs/ingest.js", env);
      while (!threads.requests.some((request) => request.path === "/v1.0/me/threads")) await new Promise((resolve) => setTimeout(resolve, 50));
      doomed.child.kill("SIGKILL");
      expect((await doomed.exit).signal).toBe("SIGKILL");
      threads.delay("/v1.0/me/threads", 0);

      const processing = (await redis.keys()).filter((key) => key.includes(":queue:processing:"));
      expect(processing).toHaveLength(1);
      expect(await redis.raw.lrange(processing[0]!, 0, -1)).toEqual([expect.stringContaining(bob.id)]);
      // Its heartbeat would lapse within a minute; the test stands in for that minute.
      const heartbeats = (await redis.keys()).filter((key) => key.includes(":queue:heartbeat:"));
      expect(heartbeats).toHaveLength(1);
      await redis.raw.unlink(...heartbeats);

      const next = run("dist/jobs/ingest.js", env);
      expect(await next.exit).toEqual({ code: 0, signal: null });
      expect(next.lines.find((line) => line["msg"] === "recovered jobs of a run that stopped mid-job")).toMatchObject({ recovered: 1 });
      expect(next.lines.find((line) => line["msg"] === "ingestion run finished")).toMatchObject({ processed: 1, outcomes: { ingested: 1 } });
      const { rows } = await pool.query("SELECT 1 FROM posts WHERE user_id = $1", [bob.id]);
      expect(rows).toHaveLength(4);
      const queueKeys = (await redis.keys()).filter((key) => key.includes(":queue:"));
      expect(queueKeys).toEqual([]);
      expect(await redis.raw.exists(`${redis.prefix}${QUEUE_KEYS.pending}`)).toBe(0);
      expectCleanLog(next.lines);
    } finally {
      threads.delay("/v1.0/me/threads", 0);
      await pool.end();
    }
  });
});
