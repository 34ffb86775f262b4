/**
 * The hourly pipeline end to end against the fakes and real Postgres: fetch
 * → translate → analyse; a failing stage is reported and fails the run
 * without leaving anything half-written; two overlapping runs never work on
 * the same rows; the release's seeding of STEAM_TRACKED_APP_IDS.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TrackedApps } from "../src/data/tracked-apps.js";
import { runPipeline } from "../src/pipeline/run-pipeline.js";
import { seedTrackedApps } from "../src/pipeline/seed-tracked-apps.js";
import { startSuite, statsAgree, type Suite } from "./support/harness.js";
import { makeReviews } from "./support/review-data.js";

describe("pipeline", () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await startSuite("pipeline");
  });
  afterAll(async () => {
    await suite?.close();
  });

  const counts = async () =>
    (
      await suite.db.query<{ reviews: number; translated: number; analysed: number }>(
        "SELECT count(*)::int AS reviews, count(translated_text)::int AS translated, count(analysed_at)::int AS analysed FROM reviews",
      )
    ).rows[0]!;

  it("seeds the listed games at release: named by Steam when it answers, a placeholder when not; never reactivates", async () => {
    suite.steam.setApp(3228590, "Dead Zone Rogue", makeReviews(3228590, 30));
    suite.steam.setApp(2437170, "SMITE 2", makeReviews(2437170, 24));
    const deps = { pool: suite.pool, store: suite.pipelineDeps().store, logger: suite.pipelineDeps().logger };
    const first = await seedTrackedApps(deps, [3228590]);
    expect(first.added).toEqual([{ appId: 3228590, name: "Dead Zone Rogue", nameSource: "steam" }]);

    // Steam's store down for the next one: a placeholder, and the release goes on.
    suite.steam.failNext(...Array.from({ length: 5 }, () => ({ kind: 503 as const })));
    const second = await seedTrackedApps(deps, [3228590, 2437170]);
    expect(second).toEqual({ added: [{ appId: 2437170, name: "Steam app 2437170", nameSource: "placeholder" }], alreadyTracked: [3228590] });

    const apps = new TrackedApps(suite.pool);
    await apps.deactivate(3228590, "admin@example.com");
    await seedTrackedApps(deps, [3228590, 2437170]);
    expect((await apps.get(3228590))!.active).toBe(false);
    await apps.reactivate(3228590);
  });

  it("runs fetch → translate → analyse for every active game, and fills placeholder names", async () => {
    const outcome = await runPipeline(suite.pipelineDeps());
    expect(outcome).toMatchObject({ status: "ran", ok: true, interrupted: false });
    if (outcome.status !== "ran") throw new Error("locked");
    expect(outcome.stages.map((stage) => [stage.stage, stage.ok])).toEqual([
      ["fetch", true],
      ["translate", true],
      ["analyse", true],
    ]);
    expect(outcome.stages[0]!.counts).toMatchObject({ games: 2, stored: 54, named: 1 });
    // makeReviews: 3 of every 6 reviews are not in English.
    expect(await counts()).toEqual({ reviews: 54, translated: 27, analysed: 54 });
    expect((await new TrackedApps(suite.pool).get(2437170))!).toMatchObject({ name: "SMITE 2", nameSource: "steam" });
    const { fromDays, fromReviews } = await statsAgree(suite.db);
    expect(fromDays).toEqual(fromReviews);
  });

  it("a failing stage fails the run, keeps what was stored, and the next run finishes the work", async () => {
    suite.steam.publish(3228590, makeReviews(3228590, 6, { newestAt: Math.floor(Date.now() / 1000), spacingSeconds: 60, idBase: 9_000_000 }));
    // OpenAI answers 500 to every attempt of the translate and of the analyse stage.
    suite.openai.failNext(...Array.from({ length: 8 }, () => ({ kind: "server-error" as const })));
    const failed = await runPipeline(suite.pipelineDeps());
    expect(failed).toMatchObject({ status: "ran", ok: false });
    if (failed.status !== "ran") throw new Error("locked");
    expect(failed.stages.map((stage) => [stage.stage, stage.ok])).toEqual([
      ["fetch", true],
      ["translate", false],
      ["analyse", false],
    ]);
    expect(failed.stages[1]!.errors[0]).toMatch(/OpenAI is not answering as expected: HTTP 500 after 4 attempts/);
    expect(await counts()).toEqual({ reviews: 60, translated: 27, analysed: 54 });
    const { fromDays, fromReviews } = await statsAgree(suite.db);
    expect(fromDays).toEqual(fromReviews);

    const recovered = await runPipeline(suite.pipelineDeps());
    expect(recovered).toMatchObject({ status: "ran", ok: true });
    expect(await counts()).toEqual({ reviews: 60, translated: 30, analysed: 60 });
  });

  it("a game whose fetch fails does not stop the others, and keeps its last fetch time", async () => {
    await suite.track(404, "Gone Game");
    const apps = new TrackedApps(suite.pool);
    const before = (await apps.get(3228590))!.lastFetchedAt!;
    const deps = suite.pipelineDeps();
    const steam = deps.steam;
    const outcome = await runPipeline({
      ...deps,
      steam: { page: (appId: number, cursor: string, signal?: AbortSignal) => (appId === 404 ? Promise.reject(new Error("Steam exploded")) : steam.page(appId, cursor, signal)) } as typeof steam,
    });
    if (outcome.status !== "ran") throw new Error("locked");
    expect(outcome.ok).toBe(false);
    expect(outcome.stages[0]).toMatchObject({ stage: "fetch", ok: false, counts: { games: 3, failedGames: 1 }, errors: ["app 404: Steam exploded"] });
    expect((await apps.get(404))!.lastFetchedAt).toBeNull();
    expect((await apps.get(3228590))!.lastFetchedAt!.getTime()).toBeGreaterThan(before.getTime());
    await apps.deactivate(404, "test");
  });

  it("two overlapping runs: the second finds the lock taken and does nothing; no review is sent twice", async () => {
    suite.steam.publish(2437170, makeReviews(2437170, 40, { newestAt: Math.floor(Date.now() / 1000), spacingSeconds: 30, idBase: 8_000_000 }));
    suite.openai.calls.length = 0;
    suite.openai.delayMs = 150;
    try {
      const first = runPipeline(suite.pipelineDeps());
      // Wait until the first run is talking to OpenAI: it holds the lock by then.
      while (suite.openai.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      const second = await runPipeline(suite.pipelineDeps());
      expect(second).toEqual({ status: "locked" });
      expect(await first).toMatchObject({ status: "ran", ok: true });
    } finally {
      suite.openai.delayMs = 0;
    }
    const translated = suite.openai.answeredIds("review_translations");
    const analysed = suite.openai.answeredIds("review_analyses");
    expect(new Set(translated).size).toBe(translated.length);
    expect(new Set(analysed).size).toBe(analysed.length);
    expect(analysed).toHaveLength(40);
    // And once it is released, the next run gets it.
    expect(await runPipeline(suite.pipelineDeps())).toMatchObject({ status: "ran", ok: true });
  });
});
