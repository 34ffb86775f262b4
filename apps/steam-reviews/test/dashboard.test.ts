/**
 * The dashboard's pages against real Postgres: the game list, one game's
 * numbers (counts, share recommending, mean sentiment), its charts, its
 * recent reviews with their translation, and "Data current as of
 * YYYY-MM-DD HH:MM UTC"; bad and unknown ids answer 400 and 404 pages.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveAnalyses, saveTranslations, storeReviews } from "../src/data/reviews.js";
import type { SteamReview } from "../src/steam/reviews-api.js";
import { Browser, startApp, startSuite, type RunningApp, type Suite } from "./support/harness.js";

const APP = 3228590;

function review(id: number, day: string, votedUp: boolean, language = "english", text = `Review ${id}`): SteamReview {
  const at = new Date(`${day}T12:00:00Z`);
  return { recommendationId: String(id), appId: APP, language, text, votedUp, playtimeForeverMinutes: 600, playtimeAtReviewMinutes: 90, createdAt: at, updatedAt: at };
}

describe("dashboard", () => {
  let suite: Suite;
  let app: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    suite = await startSuite("dashboard");
    await suite.track(APP, "Dead Zone Rogue", { lastFetchedAt: new Date("2026-11-28T09:07:45Z") });
    await suite.track(2437170, "SMITE 2 <beta> & co");
    // 10 reviews over three weeks: 7 recommend; 6 analysed.
    await storeReviews(suite.pool, [
      review(1, "2026-10-01", true),
      review(2, "2026-10-01", false),
      review(3, "2026-10-02", true),
      review(4, "2026-10-08", true),
      review(5, "2026-10-09", false),
      review(6, "2026-10-15", true),
      review(7, "2026-10-16", true),
      review(8, "2026-10-20", true, "schinese", "很好玩"),
      review(9, "2026-10-21", false),
      review(10, "2026-10-22", true, "russian", "<script>alert('x')</script>"),
    ]);
    await saveTranslations(suite.pool, [{ recommendationId: "8", english: "Very fun to play" }]);
    await saveAnalyses(suite.pool, [
      { recommendationId: "1", sentiment: "positive", score: 0.8, themes: ["combat"] },
      { recommendationId: "2", sentiment: "negative", score: -0.6, themes: ["performance"] },
      { recommendationId: "3", sentiment: "positive", score: 0.4, themes: ["combat", "music"] },
      { recommendationId: "8", sentiment: "positive", score: 0.9, themes: ["fun"] },
      { recommendationId: "9", sentiment: "negative", score: -1, themes: ["performance"] },
      { recommendationId: "10", sentiment: "mixed", score: 0.1, themes: [] },
    ]);
    app = await startApp({ env: suite.env() });
    browser = new Browser(app.url);
  });
  afterAll(async () => {
    await app?.close();
    await suite?.close();
  });

  it("lists every tracked game with its numbers and how current its data is", async () => {
    const response = await browser.get("/");
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<meta name="viewport" content="width=device-width,initial-scale=1">');
    expect(page).toContain("Dead Zone Rogue");
    expect(page).toContain("<strong>10</strong> reviews · <strong>70%</strong> recommend");
    expect(page).toContain("Data current as of 2026-11-28 09:07 UTC");
    expect(page).toContain("SMITE 2 &lt;beta&gt; &amp; co");
    expect(page).toContain("Not fetched from Steam yet");
  });

  it("shows one game's counts, share, mean sentiment, charts and recent reviews with their translation", async () => {
    const response = await browser.get(`/games/${APP}`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<p class="muted" id="current-as-of">Data current as of 2026-11-28 09:07 UTC');
    expect(page).toMatch(/id="review-count">10</);
    expect(page).toMatch(/id="positive-share">70%</);
    // (0.8 - 0.6 + 0.4 + 0.9 - 1 + 0.1) / 6 = 0.1
    expect(page).toMatch(/id="mean-sentiment">\+0\.10</);
    expect(page).toMatch(/id="analysed-count">6</);
    // Three weeks of history: one point per day with reviews (9 days), each with its tooltip.
    const charts = page.match(/<svg class="chart"[\s\S]*?<\/svg>/g) ?? [];
    expect(charts).toHaveLength(2);
    expect(charts[1]!.match(/<circle class="point"/g)).toHaveLength(9);
    expect(charts[1]).toContain("<title>2026-10-01: 50%</title>");
    expect(charts[0]).toContain("<title>2026-10-01: +0.10</title>");
    // Newest first, translated text beside the original, everything escaped.
    const reviews = page.match(/<li class="card review">/g) ?? [];
    expect(reviews).toHaveLength(10);
    expect(page.indexOf("Review 9</p>")).toBeGreaterThan(0);
    expect(page.indexOf("Review 9</p>")).toBeLessThan(page.indexOf("Review 1</p>"));
    expect(page).toContain("很好玩");
    expect(page).toContain("Translation:</span> Very fun to play");
    expect(page).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    expect(page).not.toContain("<script>");
    expect(page).toContain("Translation pending.");
    expect(page).toContain("performance · 2");
  });

  it("answers a bad id with a 400 page and an untracked one with a 404 page; JSON for API clients", async () => {
    const bad = await browser.get("/games/abc");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("/games/3228590");
    const unknown = await browser.get("/games/42");
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("No game with Steam app id 42 is tracked here.");
    const json = await fetch(`${app.url}/games/42`, { headers: { accept: "application/json" } });
    expect(json.status).toBe(404);
    expect(await json.json()).toEqual({ error: "game_not_tracked", message: "No game with Steam app id 42 is tracked here." });
    expect((await browser.get("/nowhere")).status).toBe(404);
  });

  it("answers /health with the database's state", async () => {
    const health = await fetch(`${app.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", checks: { database: "ok" } });
  });

  it("shows an outage page with Try again when the database is down, never a 500", async () => {
    const down = await startApp({ env: suite.env({ DATABASE_URL: "postgres://postgres@127.0.0.1:1/nowhere" }) });
    try {
      const response = await new Browser(down.url).get(`/games/${APP}`);
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(await response.text()).toContain(`<a href="/games/${APP}">Try again</a>`);
      expect((await fetch(`${down.url}/health`)).status).toBe(503);
    } finally {
      await down.close();
    }
  });
});
