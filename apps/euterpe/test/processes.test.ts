/**
 * The Procfile's processes as Heroku runs them: the built JS, started with
 * an environment. Boot fails naming bad variables, release migrates and exits
 * 0 (non-zero on failure), web answers /health and drains on SIGTERM, and the
 * one-off re-encryption command reports its counts.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, runBuilt } from "./kit/processes.js";
import { ALICE, Browser, CLIENT_ID, CLIENT_SECRET, KEY_A, KEY_B, REDIRECT_URI, SECRET_KEY, freePort, logIn } from "./support/harness.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { FakeSpotify } from "./support/fake-spotify.js";

const APP_DIR = fileURLToPath(new URL("..", import.meta.url));

const run = (script: string, env: Record<string, string>) => runBuilt(APP_DIR, [script], env);

describe("Procfile processes, built", () => {
  let db: TestDatabase;
  let fake: FakeSpotify;
  let env: Record<string, string>;

  beforeAll(async () => {
    buildApp(APP_DIR);
    db = await createTestDatabase("procs");
    fake = await FakeSpotify.start({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, users: [ALICE] });
    env = {
      DATABASE_URL: db.url,
      SPOTIFY_CLIENT_ID: CLIENT_ID,
      SPOTIFY_CLIENT_SECRET: CLIENT_SECRET,
      SPOTIFY_REDIRECT_URI: REDIRECT_URI,
      SECRET_KEY,
      ENCRYPTION_KEY: KEY_A,
      SPOTIFY_ACCOUNTS_URL: fake.url,
      SPOTIFY_API_URL: fake.url,
      NODE_ENV: "test",
    };
  }, 60_000);
  afterAll(async () => {
    await fake?.close();
    await db?.drop();
  });

  it("web and release refuse to boot without their variables, naming each and exiting 1", async () => {
    for (const script of ["dist/server.js", "dist/migrate.js", "dist/reencrypt.js"]) {
      const proc = run(script, { SECRET_KEY: "short", ENCRYPTION_KEY: "" });
      expect((await proc.exit).code).toBe(1);
      const problems = (proc.lines[0]?.problems as { variable: string }[]).map((problem) => problem.variable).sort();
      expect(problems).toEqual(["DATABASE_URL", "ENCRYPTION_KEY", "SECRET_KEY", "SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_REDIRECT_URI"]);
      expect(JSON.stringify(proc.lines)).not.toContain("short");
    }
  });

  it("release migrates and exits 0, again and again; exits non-zero when it cannot", async () => {
    const first = run("dist/migrate.js", env);
    expect(await first.exit).toEqual({ code: 0, signal: null });
    expect(first.lines.at(-1)).toMatchObject({ msg: "migrations applied", applied: ["1767225600000_users-and-tokens"] });
    const second = run("dist/migrate.js", env);
    expect(await second.exit).toEqual({ code: 0, signal: null });
    expect(second.lines.at(-1)).toMatchObject({ msg: "schema up to date", applied: [] });
    const broken = run("dist/migrate.js", { ...env, DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" });
    expect((await broken.exit).code).toBe(1);
    expect(broken.lines.at(-1)).toMatchObject({ level: "fatal" });
  });

  it("web listens on $PORT, answers /health, and on SIGTERM finishes the request in flight and exits 0", async () => {
    expect((await run("dist/migrate.js", env).exit).code).toBe(0);
    const port = await freePort();
    const started = performance.now();
    const web = run("dist/server.js", { ...env, PORT: String(port) });
    try {
      await web.waitFor((line) => line.msg === "listening");
      expect(performance.now() - started).toBeLessThan(5_000);
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/health`)).status).toBe(200);

      const browser = new Browser(base);
      await logIn(browser, fake, ALICE);
      fake.delay("/v1/me/top/tracks", 1_500);
      const inFlight = browser.get("/");
      await new Promise((resolve) => setTimeout(resolve, 400));
      const signalled = performance.now();
      web.child.kill("SIGTERM");

      const page = await inFlight;
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Aurora Song 1");
      expect(await web.exit).toEqual({ code: 0, signal: null });
      expect(performance.now() - signalled).toBeLessThan(25_000);
      await expect(fetch(`${base}/health`)).rejects.toThrow();
      expect(web.lines.map((line) => line.msg)).toContain("shut down cleanly");
    } finally {
      fake.delay("/v1/me/top/tracks", 0);
      web.child.kill("SIGKILL");
    }
  });

  it("node dist/reencrypt.js puts every row under the newest key, logs its counts, exits 0, and can run again", async () => {
    expect((await run("dist/migrate.js", env).exit).code).toBe(0);
    const port = await freePort();
    const web = run("dist/server.js", { ...env, PORT: String(port) });
    try {
      await web.waitFor((line) => line.msg === "listening");
      await logIn(new Browser(`http://127.0.0.1:${port}`), fake, ALICE);
    } finally {
      web.child.kill("SIGTERM");
      await web.exit;
    }

    const help = execFileSync(process.execPath, ["dist/reencrypt.js", "--help"], { cwd: APP_DIR, encoding: "utf8" });
    expect(help).toContain("Usage: node dist/reencrypt.js");
    const rotated = { ...env, ENCRYPTION_KEY: `${KEY_B},${KEY_A}` };
    const first = run("dist/reencrypt.js", rotated);
    expect(await first.exit).toEqual({ code: 0, signal: null });
    expect(first.lines.at(-1)).toMatchObject({ msg: "re-encryption finished", total: 1, reencrypted: 1, current: 0, unreadable: 0, complete: true });
    const again = run("dist/reencrypt.js", rotated);
    expect(await again.exit).toEqual({ code: 0, signal: null });
    expect(again.lines.at(-1)).toMatchObject({ msg: "re-encryption finished", total: 1, reencrypted: 0, current: 1 });
    for (const line of [...first.lines, ...again.lines]) expect(JSON.stringify(line)).not.toContain(KEY_A);
  });
});
