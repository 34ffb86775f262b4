/**
 * The Procfile's processes as Heroku runs them: the built JS, started with an
 * environment. Boot fails naming bad variables; release migrates and exits 0
 * (non-zero on failure); web listens, answers /health, and on SIGTERM
 * finishes the write in flight and exits 0. `.env.example` loads in a shell.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, runBuilt } from "./kit/processes.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { parseEnvFile } from "./support/env-file.js";
import { API_KEY_A, freePort, SESSION_KEY_A } from "./support/harness.js";
import { deleteKeysUnder, REDIS_URL, testKeyPrefix } from "./support/redis.js";

const APP_DIR = fileURLToPath(new URL("..", import.meta.url));
const MIGRATION = "1767225600000_products-and-reviews";

const run = (script: string, env: Record<string, string>) => runBuilt(APP_DIR, [script], env);

describe("Procfile processes, built", () => {
  let db: TestDatabase;
  const redisPrefix = testKeyPrefix("procs");
  let env: Record<string, string>;

  beforeAll(async () => {
    buildApp(APP_DIR);
    db = await createTestDatabase("procs");
    env = {
      APP_ENV: "development",
      NODE_ENV: "production",
      DATABASE_URL: db.url,
      DATABASE_SCHEMA: "shop_sentiment",
      PG_POOL_MAX: "5",
      REDIS_URL,
      REDIS_KEY_PREFIX: redisPrefix,
      SESSION_KEYS: SESSION_KEY_A,
      API_KEYS: API_KEY_A,
    };
  }, 120_000);
  afterAll(async () => {
    await db?.drop();
    await deleteKeysUnder(redisPrefix);
  });

  it("web and release refuse to boot without their variables, naming each and exiting 1", async () => {
    for (const script of ["dist/server.js", "dist/migrate.js"]) {
      const proc = run(script, { API_KEYS: "short-secret-value", SESSION_KEYS: "", DATABASE_URL: "mysql://root:pw@db/x" });
      expect((await proc.exit).code).toBe(1);
      expect(proc.lines).toHaveLength(1);
      const problems = (proc.lines[0]?.problems as { variable: string }[]).map((problem) => problem.variable).sort();
      expect(problems).toEqual(["API_KEYS", "APP_ENV", "DATABASE_SCHEMA", "DATABASE_URL", "PG_POOL_MAX", "REDIS_KEY_PREFIX", "REDIS_URL", "SESSION_KEYS"]);
      expect(JSON.stringify(proc.lines)).not.toContain("short-secret-value");
      expect(JSON.stringify(proc.lines)).not.toContain("root:pw");
    }
  });

  it("release migrates and exits 0, again and again; exits non-zero when it cannot", async () => {
    const first = run("dist/migrate.js", env);
    expect(await first.exit).toEqual({ code: 0, signal: null });
    expect(first.lines.at(-1)).toMatchObject({ msg: "migrations applied", applied: [MIGRATION] });
    const second = run("dist/migrate.js", env);
    expect(await second.exit).toEqual({ code: 0, signal: null });
    expect(second.lines.at(-1)).toMatchObject({ msg: "schema up to date", applied: [] });
    const broken = run("dist/migrate.js", { ...env, DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" });
    expect((await broken.exit).code).toBe(1);
    expect(broken.lines.at(-1)).toMatchObject({ level: "fatal" });
  });

  it("web listens on $PORT, answers /health, and on SIGTERM finishes the write in flight and exits 0", async () => {
    expect((await run("dist/migrate.js", env).exit).code).toBe(0);
    const { rows } = await db.query<{ id: string }>("INSERT INTO shop_sentiment.products (name) VALUES ('Held') RETURNING id");
    const productId = rows[0]?.id as string;
    const port = await freePort();
    const web = run("dist/server.js", { ...env, PORT: String(port) });
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await web.waitFor((line) => line.msg === "listening");
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/health`)).status).toBe(200);
      await web.waitFor((line) => line.msg === "sentiment model loaded");

      // Hold the product's row so the review write waits in the database.
      await locker.query("BEGIN");
      await locker.query("SELECT 1 FROM shop_sentiment.products WHERE id = $1 FOR UPDATE", [productId]);
      const inFlight = fetch(`${base}/api/v1/products/${productId}/reviews`, {
        method: "POST",
        headers: { authorization: `Bearer ${API_KEY_A}`, "content-type": "application/json" },
        body: JSON.stringify({ rating: 5, text: "Written while the dyno stops" }),
      });
      for (let attempt = 0; attempt < 100; attempt++) {
        const waiting = await db.query("SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", [db.name]);
        if (waiting.rows.length > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      web.child.kill("SIGTERM");
      await web.waitFor((line) => line.msg === "shutting down: finishing work in flight");
      await locker.query("COMMIT");

      const response = await inFlight;
      expect(response.status).toBe(201);
      expect(await web.exit).toEqual({ code: 0, signal: null });
      await expect(fetch(`${base}/health`)).rejects.toThrow();
      expect(web.lines.map((line) => line.msg)).toContain("shut down cleanly");
      const stored = await db.query("SELECT review_count FROM shop_sentiment.products WHERE id = $1", [productId]);
      expect(stored.rows).toEqual([{ review_count: 1 }]);
    } finally {
      await locker.end();
      web.child.kill("SIGKILL");
    }
  });

  it("reset-cache retires every cached entry and exits 0; exits 1 when Redis cannot be reached", async () => {
    const done = run("dist/reset-cache.js", env);
    expect(await done.exit).toEqual({ code: 0, signal: null });
    expect(done.lines.at(-1)).toMatchObject({ msg: "every cached entry retired", keyPrefix: redisPrefix });
    const failed = run("dist/reset-cache.js", { ...env, REDIS_URL: "redis://127.0.0.1:1" });
    expect((await failed.exit).code).toBe(1);
    expect(failed.lines.find((line) => line.level === "fatal")).toMatchObject({ msg: "could not reset the cache" });
  });

  it(".env.example loads in a plain shell with set -a and names every variable", () => {
    const printed = execFileSync("sh", ["-c", "set -a; . ./.env.example; set +a; node -e 'process.stdout.write(JSON.stringify(process.env))'"], {
      cwd: APP_DIR,
      env: { PATH: process.env.PATH ?? "" },
      encoding: "utf8",
    });
    const shellEnv = JSON.parse(printed) as Record<string, string>;
    const example = parseEnvFile(readFileSync(new URL("../.env.example", import.meta.url), "utf8"));
    for (const [name, value] of Object.entries(example)) expect(shellEnv[name] ?? "").toBe(value);
  });
});
