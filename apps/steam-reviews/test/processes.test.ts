/**
 * The processes as Heroku runs them, built: boot fails naming bad variables;
 * release migrates, seeds STEAM_TRACKED_APP_IDS (Steam down fails nothing),
 * exits non-zero when the database is down; the pipeline job exits 0 with
 * nothing to do and 1 when a stage fails; the backfill command logs JSON
 * progress, stops on SIGTERM and continues when run again; web answers
 * /health and drains on SIGTERM.
 */
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, runBuilt } from "./kit/processes.js";
import { createTestDatabase, SCHEMA, type TestDatabase } from "./support/database.js";
import { FAKE_OPENAI_KEY, FakeOpenAi } from "./support/fake-openai.js";
import { FakeSteam } from "./support/fake-steam.js";
import { COOKIE_SECRET, freePort } from "./support/harness.js";
import { makeReviews } from "./support/review-data.js";

const APP_DIR = fileURLToPath(new URL("..", import.meta.url));

const run = (args: string[], env: Record<string, string>) => runBuilt(APP_DIR, args, env);

// Each test boots built processes one after another: a minute leaves room for a busy machine.
describe("processes, built", { timeout: 60_000 }, () => {
  let db: TestDatabase;
  let steam: FakeSteam;
  let openai: FakeOpenAi;
  let env: Record<string, string>;

  beforeAll(async () => {
    buildApp(APP_DIR);
    db = await createTestDatabase("procs", { migrate: false });
    steam = await FakeSteam.start();
    openai = await FakeOpenAi.start();
    steam.setApp(3228590, "Dead Zone Rogue", makeReviews(3228590, 420));
    env = {
      APP_ENV: "staging",
      NODE_ENV: "production",
      DATABASE_URL: db.url,
      DATABASE_SCHEMA: SCHEMA,
      PG_POOL_MAX: "3",
      OPENAI_API_KEY: FAKE_OPENAI_KEY,
      OPENAI_BASE_URL: openai.url,
      STEAM_STORE_URL: steam.url,
      STEAM_REQUEST_INTERVAL_MS: "0",
      COOKIE_SECRET,
    };
  }, 90_000);
  afterAll(async () => {
    await steam?.close();
    await openai?.close();
    await db?.drop();
  });

  it("every process refuses to boot without its variables, naming each and exiting 1", async () => {
    for (const args of [["dist/server.js"], ["dist/migrate.js"], ["dist/jobs/pipeline.js"], ["dist/jobs/backfill.js", "--app-id", "1"]]) {
      const proc = run(args, { COOKIE_SECRET: "too-short-secret", STEAM_TRACKED_APP_IDS: "abc" });
      expect((await proc.exit).code, args[0]).toBe(1);
      const problems = (proc.lines[0]?.problems as { variable: string }[]).map((problem) => problem.variable).sort();
      expect(problems).toEqual(["APP_ENV", "COOKIE_SECRET", "DATABASE_SCHEMA", "DATABASE_URL", "OPENAI_API_KEY", "PG_POOL_MAX", "STEAM_TRACKED_APP_IDS"]);
      expect(JSON.stringify(proc.lines)).not.toContain("too-short-secret");
    }
  });

  it("release migrates and seeds the listed games, again and again; Steam down gives a placeholder; the database down fails it", async () => {
    const first = run(["dist/migrate.js"], { ...env, STEAM_TRACKED_APP_IDS: "3228590" });
    expect(await first.exit).toEqual({ code: 0, signal: null });
    expect(first.lines.map((line) => line.msg)).toEqual(expect.arrayContaining(["migrations applied", "tracked games added"]));

    const closedPort = `http://127.0.0.1:${await freePort()}`;
    const second = run(["dist/migrate.js"], { ...env, STEAM_TRACKED_APP_IDS: "3228590,2437170", STEAM_STORE_URL: closedPort });
    expect(await second.exit).toEqual({ code: 0, signal: null });
    expect(second.lines.at(-1)).toMatchObject({ msg: "tracked games added", added: [{ appId: 2437170, name: "Steam app 2437170", nameSource: "placeholder" }], alreadyTracked: [3228590] });
    const { rows } = await db.query("SELECT app_id, name, added_by FROM steam_reviews.tracked_apps ORDER BY app_id");
    expect(rows).toEqual([
      { app_id: 2437170, name: "Steam app 2437170", added_by: "release" },
      { app_id: 3228590, name: "Dead Zone Rogue", added_by: "release" },
    ]);
    await db.query("DELETE FROM steam_reviews.tracked_apps WHERE app_id = 2437170");

    const broken = run(["dist/migrate.js"], { ...env, DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" });
    expect((await broken.exit).code).toBe(1);
    expect(broken.lines.at(-1)).toMatchObject({ level: "fatal" });
  });

  it("backfill: JSON progress per page; SIGTERM stops it (exit 1); run again it continues and completes (exit 0); then ends at once", async () => {
    steam.delayMs = 250;
    const first = run(["dist/jobs/backfill.js", "--app-id", "3228590"], env);
    await first.waitFor((line) => line.msg === "backfill page stored");
    first.child.kill("SIGTERM");
    expect((await first.exit).code).toBe(1);
    steam.delayMs = 0;
    const stopped = first.lines.at(-1)!;
    expect(stopped).toMatchObject({ level: "warn", msg: "backfill interrupted; run it again to continue from here", appId: 3228590 });
    expect(stopped.page).toBeGreaterThanOrEqual(1);

    const second = run(["dist/jobs/backfill.js", "--app-id", "3228590"], env);
    expect(await second.exit).toEqual({ code: 0, signal: null });
    const pages = second.lines.filter((line) => line.msg === "backfill page stored");
    expect(pages[0]!.page).toBe((stopped.page as number) + 1);
    expect(pages.at(-1)).toMatchObject({ stored: 420, skipped: 0 });
    for (const line of pages) expect(Object.keys(line)).toEqual(expect.arrayContaining(["page", "stored", "skipped"]));
    expect(second.lines.at(-1)).toMatchObject({ msg: "backfill complete", stored: 420 });
    const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM steam_reviews.reviews");
    expect(rows[0]!.n).toBe(420);

    const requests = steam.reviewRequests().length;
    const third = run(["dist/jobs/backfill.js", "--app-id", "3228590"], env);
    expect(await third.exit).toEqual({ code: 0, signal: null });
    expect(third.lines.at(-1)).toMatchObject({ msg: "backfill was already complete; nothing to do" });
    expect(steam.reviewRequests()).toHaveLength(requests);
  });

  it("backfill: a game not tracked exits 1 naming the fix; bad usage exits 2", async () => {
    const untracked = run(["dist/jobs/backfill.js", "--app-id", "42"], env);
    expect((await untracked.exit).code).toBe(1);
    expect(untracked.lines.at(-1)!.msg).toMatch(/app 42 is not tracked/);
    for (const args of [["--app-id", "abc"], ["--app-id", "1", "--bogus"]]) {
      const usage = run(["dist/jobs/backfill.js", ...args], env);
      expect((await usage.exit).code, args.join(" ")).toBe(2);
      expect(usage.lines[0]!.msg).toContain("Usage: node dist/jobs/backfill.js --app-id <steam app id>");
    }
  });

  it("pipeline: translates and analyses (exit 0); with OpenAI refusing the key it exits 1 naming the stage", async () => {
    const refused = run(["dist/jobs/pipeline.js"], { ...env, OPENAI_API_KEY: "sk-wrong-key" });
    expect((await refused.exit).code).toBe(1);
    expect(refused.lines.at(-1)).toMatchObject({ level: "error", msg: "pipeline failed in translate, analyse" });
    expect(JSON.stringify(refused.lines)).not.toContain("sk-wrong-key");

    const ok = run(["dist/jobs/pipeline.js"], { ...env, OPENAI_MAX_REVIEWS_PER_RUN: "1000" });
    expect(await ok.exit).toEqual({ code: 0, signal: null });
    expect(ok.lines.at(-1)).toMatchObject({ msg: "pipeline done" });
    const { rows } = await db.query<{ analysed: number }>("SELECT count(analysed_at)::int AS analysed FROM steam_reviews.reviews");
    expect(rows[0]!.analysed).toBe(420);
  });

  it("web listens on $PORT, answers /health and the dashboard, and exits 0 on SIGTERM", async () => {
    const port = await freePort();
    const web = run(["dist/server.js"], { ...env, PORT: String(port) });
    try {
      await web.waitFor((line) => line.msg === "listening");
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/health`)).status).toBe(200);
      const page = await (await fetch(`${base}/games/3228590`)).text();
      expect(page).toMatch(/id="review-count">420</);
      web.child.kill("SIGTERM");
      expect(await web.exit).toEqual({ code: 0, signal: null });
      expect(web.lines.map((line) => line.msg)).toContain("shut down cleanly");
    } finally {
      web.child.kill("SIGKILL");
    }
  });
});
