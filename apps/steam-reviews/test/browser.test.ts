/**
 * A person's path in headless Chromium on a phone-sized screen: the game
 * list, a game's dashboard (numbers, charts, "Data current as of", reviews
 * with translation) without sideways scrolling; then /admin behind Access:
 * add a game by id and deactivate it with the page's own forms.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser as Chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveAnalyses, saveTranslations, storeReviews } from "../src/data/reviews.js";
import { accessIssuer, freePort, startApp, startSuite, type AccessIssuer, type RunningApp, type Suite } from "./support/harness.js";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const APP = 3228590;
const PHONE = { width: 390, height: 844 };

describe.skipIf(!existsSync(CHROMIUM))("in headless Chromium", () => {
  let suite: Suite;
  let app: RunningApp;
  let access: AccessIssuer;
  let chromiumBrowser: Chromium;
  let base: string;

  beforeAll(async () => {
    suite = await startSuite("browser");
    access = await accessIssuer();
    suite.steam.setApp(2437170, "SMITE 2");
    await suite.track(APP, "Dead Zone Rogue", { lastFetchedAt: new Date("2026-11-28T09:07:00Z") });
    const reviews = Array.from({ length: 60 }, (_, index) => {
      const at = new Date(Date.UTC(2026, 8, 1) + index * 2 * 86_400_000);
      const language = index % 4 === 0 ? "schinese" : "english";
      return { recommendationId: String(1000 + index), appId: APP, language, text: index % 4 === 0 ? "很好玩的游戏" : `A long review about combat number ${index}`, votedUp: index % 3 !== 0, playtimeForeverMinutes: 600, playtimeAtReviewMinutes: 120, createdAt: at, updatedAt: at };
    });
    await storeReviews(suite.pool, reviews);
    await saveTranslations(suite.pool, reviews.filter((review) => review.language !== "english").map((review) => ({ recommendationId: review.recommendationId, english: "A very fun game" })));
    await saveAnalyses(suite.pool, reviews.map((review, index) => ({ recommendationId: review.recommendationId, sentiment: review.votedUp ? "positive" : "negative", score: review.votedUp ? 0.5 + (index % 5) / 10 : -0.5, themes: ["combat"] })));
    // Chromium keeps Secure cookies on http://localhost only, as on any HTTPS site.
    const port = await freePort();
    app = await startApp({ env: suite.env(), accessKeys: access.keys }, port);
    base = `http://localhost:${port}`;
    chromiumBrowser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  }, 60_000);
  afterAll(async () => {
    await chromiumBrowser?.close();
    await app?.close();
    await suite?.close();
  });

  it("reads the dashboard on a phone: list, numbers, charts, current-as-of, translated reviews, no sideways scrolling", async () => {
    const context = await chromiumBrowser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true });
    try {
      const page = await context.newPage();
      await page.goto(`${base}/`);
      await page.click("text=Dead Zone Rogue");
      await page.waitForURL(`${base}/games/${APP}`);
      expect(await page.textContent("#current-as-of")).toContain("Data current as of 2026-11-28 09:07 UTC");
      expect(await page.textContent("#review-count")).toBe("60");
      expect(await page.textContent("#positive-share")).toBe("67%");
      expect(await page.locator("svg.chart").count()).toBe(2);
      expect(await page.locator("svg.chart").first().locator("circle.point").count()).toBeGreaterThan(5);
      expect(await page.locator("li.review").count()).toBe(20);
      expect(await page.locator(".translation").first().textContent()).toContain("A very fun game");
      // Runs in the page: the test's tsconfig has no DOM types, so the globals are reached through globalThis.
      const overflow = await page.evaluate(() => {
        const page = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
        return page.document.documentElement.scrollWidth - page.innerWidth;
      });
      expect(overflow).toBeLessThanOrEqual(0);
      const chartWidth = await page.locator("svg.chart").first().evaluate((svg) => svg.getBoundingClientRect().width);
      expect(chartWidth).toBeGreaterThan(300);
      if (process.env.SCREENSHOT_DIR) {
        await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/dashboard-phone.png`, fullPage: true });
        await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/dashboard-phone-top.png` });
      }
    } finally {
      await context.close();
    }
  }, 60_000);

  it("an admin adds a game by id and deactivates it through the page's forms; without Access the page is refused", async () => {
    const refused = await chromiumBrowser.newContext({ viewport: PHONE });
    try {
      const page = await refused.newPage();
      const response = await page.goto(`${base}/admin`);
      expect(response?.status()).toBe(403);
      expect(await page.textContent("h1")).toBe("Not allowed");
    } finally {
      await refused.close();
    }

    const context = await chromiumBrowser.newContext({ viewport: PHONE, extraHTTPHeaders: { "cf-access-jwt-assertion": await access.token({ email: "ops@example.com" }) } });
    try {
      const page = await context.newPage();
      await page.goto(`${base}/admin`);
      expect(await page.textContent("main")).toContain("Signed in as ops@example.com");
      await page.fill("#app_id", "2437170");
      await page.click("button:text('Add')");
      await page.waitForURL(/notice=added/);
      expect(await page.textContent("p.notice")).toContain("SMITE 2 (2437170) was added");
      const row = page.locator("#app-2437170");
      expect(await row.textContent()).toContain("not started");
      await row.locator("button:text('Deactivate')").click();
      await page.waitForURL(/notice=deactivated/);
      expect(await page.locator("#app-2437170").getAttribute("data-active")).toBe("false");
      if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: `${process.env.SCREENSHOT_DIR}/admin-phone.png`, fullPage: true });
    } finally {
      await context.close();
    }
    const { rows } = await suite.db.query("SELECT name, active, added_by, deactivated_by FROM tracked_apps WHERE app_id = 2437170");
    expect(rows).toEqual([{ name: "SMITE 2", active: false, added_by: "ops@example.com", deactivated_by: "ops@example.com" }]);
  }, 60_000);
});
