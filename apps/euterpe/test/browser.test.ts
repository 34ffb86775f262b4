/**
 * A person's path in headless Chromium (in Tokyo, on a phone-sized screen):
 * the dashboard sends them to the login page, "Log in with Spotify" to the
 * fake's consent screen, they continue as Alice and land on their dashboard
 * with pictures, genres and a chart in their own time zone; after a browser
 * restart they are still logged in; logging out shows the signed-out page,
 * logging in again makes Spotify ask instead of logging them straight back
 * in, and cancelling there shows a page with a way back.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALICE, freePort, startApp, startSuite, type RunningApp, type Suite } from "./support/harness.js";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
/** A 1×1 PNG standing in for Spotify's CDN, which this machine cannot reach. */
const PIXEL = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");

describe.skipIf(!existsSync(CHROMIUM))("in headless Chromium", () => {
  let suite: Suite;
  let app: RunningApp;
  let profileDir: string;

  beforeAll(async () => {
    suite = await startSuite("browser", [ALICE]);
    // Spotify sends the browser back to SPOTIFY_REDIRECT_URI, so it must name the port the app listens on.
    const port = await freePort();
    app = await startApp({ env: suite.env({ SPOTIFY_REDIRECT_URI: `http://127.0.0.1:${port}/callback` }) }, port);
    profileDir = mkdtempSync(join(tmpdir(), "euterpe-chromium-"));
  });
  afterAll(async () => {
    await app?.close();
    await suite?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  const problems: string[] = [];
  const imageRequests: string[] = [];

  async function launch(): Promise<BrowserContext> {
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
      timezoneId: "Asia/Tokyo",
      viewport: { width: 390, height: 844 },
    });
    await context.route("https://i.scdn.co/**", (route) => {
      imageRequests.push(route.request().url());
      return route.fulfill({ contentType: "image/png", body: PIXEL });
    });
    await context.route("https://mosaic.scdn.co/**", (route) => route.fulfill({ contentType: "image/png", body: PIXEL }));
    return context;
  }

  function watch(page: Page): Page {
    // A script refused by the CSP, or any other error, shows up here (a page answered with a 4xx on purpose does not count).
    const expected = /^Failed to load resource: the server responded with a status of 4\d\d/;
    page.on("console", (message) => void (message.type() === "error" && !expected.test(message.text()) && problems.push(message.text())));
    page.on("pageerror", (error) => void problems.push(error.message));
    return page;
  }

  const fitsTheScreen = (page: Page) => page.evaluate("document.documentElement.scrollWidth <= window.innerWidth");

  it("logs in through Spotify, sees the dashboard in their zone, stays logged in, logs out for real", async () => {
    let context = await launch();
    try {
      const page = watch(await context.newPage());
      await page.goto(`${app.url}/`);
      expect(page.url()).toBe(`${app.url}/login`);
      expect(await fitsTheScreen(page)).toBe(true);
      await page.click("text=Log in with Spotify");
      await page.waitForURL(/\/authorize/);
      await page.click(`#as-${ALICE.id}`);
      await page.waitForURL(`${app.url}/`);

      expect(await page.textContent("#display-name")).toBe("Alice Liddell");
      expect(await page.textContent("#time-zone")).toBe("Asia/Tokyo");
      expect(await page.locator("li.track").count()).toBe(15); // 3 top tracks + 12 recently played
      expect(await page.locator("li.artist").count()).toBe(4);
      expect(await page.locator("li.genre").allTextContents()).toEqual(["aurora pop", "indie", "dream pop"]);
      expect(await page.locator("#listening-by-hour rect.bar").count()).toBe(24);
      expect(await page.textContent("#chart-caption")).toContain("Most plays around 04:00");
      expect(await page.textContent("body")).toContain("Aurora Mix");
      await page.locator("li.artist img").first().scrollIntoViewIfNeeded();
      expect(await page.locator("li.artist img").first().evaluate((image: { complete: boolean; naturalWidth: number }) => image.complete && image.naturalWidth > 0)).toBe(true);
      expect(imageRequests.length).toBeGreaterThan(0);
      expect(await fitsTheScreen(page)).toBe(true);
      if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
    } finally {
      await context.close();
    }

    context = await launch();
    try {
      const page = watch(await context.newPage());
      // Without its zone cookie the page is drawn in UTC once, then corrects itself.
      await context.clearCookies({ name: "euterpe_tz" });
      await page.goto(`${app.url}/`);
      await page.waitForFunction('document.getElementById("time-zone")?.textContent === "Asia/Tokyo"');
      expect(page.url()).toBe(`${app.url}/`);
      expect(await page.textContent("#display-name")).toBe("Alice Liddell");

      // Spotify remembers Alice approved the app: an ordinary login comes straight back…
      await page.goto(`${app.url}/login/spotify`);
      await page.waitForURL(`${app.url}/`);

      // …so logging out must make it ask.
      await page.click("#log-out");
      await page.waitForURL(`${app.url}/login`);
      expect(await page.textContent("#notice")).toContain("You are signed out.");
      await page.click("text=Log in with Spotify");
      await page.waitForURL(/\/authorize/);
      expect(new URL(page.url()).searchParams.get("show_dialog")).toBe("true");
      expect(await page.textContent("#consent")).toBe("Log in to Spotify");

      // Cancelling at Spotify's screen: a page that says so, with a way back.
      await page.click("#cancel");
      await page.waitForURL(/\/callback\?/);
      expect(await page.textContent("h1")).toBe("Spotify login cancelled");
      expect(await page.getAttribute("#way-on", "href")).toBe("/login/spotify?switch=1");
      await page.goto(`${app.url}/`);
      expect(page.url()).toBe(`${app.url}/login`);
    } finally {
      await context.close();
    }
    expect(problems).toEqual([]);
  }, 90_000);
});
