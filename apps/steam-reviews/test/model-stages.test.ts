/**
 * Translation and analysis against the fake OpenAI-compatible API: only
 * non-English reviews are translated, every review is scored with validated
 * structured output, in batches, at most the cap per run, idempotent; 429s
 * and 5xx are retried, a quota error and a wrong key are not; an answer the
 * model cuts off or refuses is split until the offending review is isolated.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { storeReviews } from "../src/data/reviews.js";
import { UpstreamRejected } from "../src/http/resilient-request.js";
import { analyseReviews } from "../src/pipeline/analyse.js";
import { translateReviews } from "../src/pipeline/translate.js";
import { chatClient } from "../src/services.js";
import type { SteamReview } from "../src/steam/reviews-api.js";
import { instantClients, startSuite, statsAgree, type Suite } from "./support/harness.js";

const APP = 440;

function review(id: number, language: string, text: string, votedUp = true): SteamReview {
  const created = new Date(Date.UTC(2026, 10, 1) - id * 3_600_000);
  return { recommendationId: String(id), appId: APP, language, text, votedUp, playtimeForeverMinutes: 60, playtimeAtReviewMinutes: 30, createdAt: created, updatedAt: created };
}

describe("translate and analyse", () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await startSuite("model");
    await suite.track(APP, "Team Fortress 2");
  });
  afterAll(async () => {
    await suite?.close();
  });
  beforeEach(async () => {
    await suite.db.query("DELETE FROM reviews; DELETE FROM review_days");
    suite.openai.calls.length = 0;
    suite.openai.maxBatchAnswered = Infinity;
    suite.openai.poison = undefined;
  });

  const deps = (waits: number[] = []) => {
    const clients = instantClients(waits);
    return { pool: suite.pool, chat: chatClient(suite.env(), clients), logger: suite.pipelineDeps().logger };
  };
  const rows = async () =>
    (
      await suite.db.query<{ id: string; translated_text: string | null; sentiment: string | null; sentiment_score: number | null; themes: string[] | null }>(
        "SELECT recommendation_id::text AS id, translated_text, sentiment, sentiment_score, themes FROM reviews ORDER BY recommendation_id",
      )
    ).rows;

  it("translates only non-English reviews, then scores every review; a second run sends nothing", async () => {
    await storeReviews(suite.pool, [
      review(1, "english", "Great game, love the music"),
      review(2, "schinese", "很好玩的游戏,音乐很棒。"),
      review(3, "russian", "Плохая оптимизация, игра вылетает.", false),
      review(4, "english", "Bad story, boring", false),
      review(5, "schinese", "   "),
    ]);
    expect(await translateReviews(deps(), 100)).toEqual({ saved: 3, failed: 0, calls: 1 });
    expect(suite.openai.answeredIds("review_translations").sort()).toEqual(["2", "3"]);
    expect(await analyseReviews(deps(), 100)).toEqual({ saved: 5, failed: 0, calls: 1 });

    expect(await rows()).toEqual([
      { id: "1", translated_text: null, sentiment: "positive", sentiment_score: 0.8, themes: ["music"] },
      { id: "2", translated_text: "[en] 很好玩的游戏,音乐很棒。", sentiment: "positive", sentiment_score: 0.8, themes: ["music"] },
      { id: "3", translated_text: "[en] Плохая оптимизация, игра вылетает.", sentiment: "negative", sentiment_score: -0.6, themes: ["performance"] },
      { id: "4", translated_text: null, sentiment: "negative", sentiment_score: -0.6, themes: ["story"] },
      { id: "5", translated_text: "   ", sentiment: "neutral", sentiment_score: 0, themes: [] },
    ]);
    const call = suite.openai.calls.find((c) => c.schema === "review_analyses")!;
    expect(call.model).toBe("gpt-4o-mini");

    suite.openai.calls.length = 0;
    expect(await translateReviews(deps(), 100)).toEqual({ saved: 0, failed: 0, calls: 0 });
    expect(await analyseReviews(deps(), 100)).toEqual({ saved: 0, failed: 0, calls: 0 });
    expect(suite.openai.calls).toEqual([]);
    const { fromDays, fromReviews } = await statsAgree(suite.db);
    expect(fromDays).toEqual(fromReviews);
  });

  it("waits for the translation before analysing a non-English review", async () => {
    await storeReviews(suite.pool, [review(10, "french", "Très bon jeu"), review(11, "english", "good")]);
    expect(await analyseReviews(deps(), 100)).toMatchObject({ saved: 1 });
    expect(suite.openai.answeredIds("review_analyses")).toEqual(["11"]);
  });

  it("works in batches, newest first, and stops at the cap per run; the next run goes on", async () => {
    await storeReviews(suite.pool, Array.from({ length: 45 }, (_, index) => review(100 + index, "english", `good game ${index}`)));
    expect(await analyseReviews(deps(), 30)).toEqual({ saved: 30, failed: 0, calls: 2 });
    expect(suite.openai.calls.map((call) => call.ids.length)).toEqual([20, 10]);
    // Newest first: the smallest ids are the newest here.
    expect(suite.openai.answeredIds("review_analyses")).toEqual(Array.from({ length: 30 }, (_, index) => String(100 + index)));
    expect(await analyseReviews(deps(), 30)).toEqual({ saved: 15, failed: 0, calls: 1 });
  });

  it("retries 429 after its Retry-After and 5xx, then saves", async () => {
    await storeReviews(suite.pool, [review(20, "english", "good")]);
    suite.openai.failNext({ kind: "rate-limit", retryAfter: "2" }, { kind: "server-error", status: 503 });
    const waits: number[] = [];
    expect(await analyseReviews(deps(waits), 10)).toMatchObject({ saved: 1 });
    expect(waits[0]).toBe(2_000);
    expect(waits).toHaveLength(2);
  });

  it("does not retry insufficient_quota or a wrong key, and says what to fix without quoting the key", async () => {
    await storeReviews(suite.pool, [review(30, "english", "good")]);
    suite.openai.failNext({ kind: "quota" });
    await expect(analyseReviews(deps(), 10)).rejects.toThrow(/insufficient_quota: the account has no credit left/);
    expect(suite.openai.calls).toHaveLength(1);

    const wrongKey = { pool: suite.pool, chat: chatClient(suite.env({ OPENAI_API_KEY: "sk-wrong-key-1234" }), instantClients()), logger: suite.pipelineDeps().logger };
    const failure = analyseReviews(wrongKey, 10);
    await expect(failure).rejects.toBeInstanceOf(UpstreamRejected);
    await expect(failure).rejects.toThrow(/HTTP 401\): invalid_api_key: check OPENAI_API_KEY/);
    await expect(analyseReviews(wrongKey, 10)).rejects.not.toThrow(/1234/);
    expect((await rows())[0]!.sentiment).toBeNull();
  });

  it("splits a batch the model cuts off, and gives up on a review it always refuses after 3 runs", async () => {
    await storeReviews(suite.pool, Array.from({ length: 8 }, (_, index) => review(40 + index, "english", index === 5 ? "POISON text" : `good ${index}`)));
    suite.openai.maxBatchAnswered = 3;
    suite.openai.poison = "POISON";
    expect(await analyseReviews(deps(), 100)).toEqual({ saved: 7, failed: 1, calls: 9 });
    const failures = await suite.db.query<{ analysis_failures: number }>("SELECT analysis_failures FROM reviews WHERE recommendation_id = 45");
    expect(failures.rows[0]!.analysis_failures).toBe(1);
    await analyseReviews(deps(), 100);
    await analyseReviews(deps(), 100);
    suite.openai.calls.length = 0;
    expect(await analyseReviews(deps(), 100)).toEqual({ saved: 0, failed: 0, calls: 0 });
  });

  it("counts a review the model skipped as failed, and saves the others", async () => {
    await storeReviews(suite.pool, [review(60, "english", "good"), review(61, "english", "bad")]);
    suite.openai.failNext({ kind: "skip-first" });
    expect(await analyseReviews(deps(), 10)).toEqual({ saved: 1, failed: 1, calls: 1 });
    // The next run tries the skipped one again. An answer that does not match the schema is split like a cut-off one.
    await storeReviews(suite.pool, [review(62, "english", "good")]);
    suite.openai.failNext({ kind: "garbage" });
    expect(await analyseReviews(deps(), 10)).toEqual({ saved: 2, failed: 0, calls: 3 });
  });
});
