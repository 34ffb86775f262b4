/**
 * A person's path in headless Chromium: the dashboard sends them to Spotify
 * (the fake's consent screen), they continue as Alice and land on their
 * dashboard; after a browser restart they are still logged in.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALICE, freePort, startApp, startSuite, type RunningApp, type Suite } from "./support/harness.js";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

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

  const launch = () => chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });

  it("logs in through Spotify, sees the dashboard, stays logged in across a browser restart, logs out", async () => {
    let context = await launch();
    try {
      const page = await context.newPage();
      await page.goto(`${app.url}/`);
      expect(page.url()).toContain(`${suite.fake.url}/authorize`);
      await page.click(`#as-${ALICE.id}`);
      await page.waitForURL(`${app.url}/`);
      expect(await page.textContent("#display-name")).toBe("Alice Liddell");
      expect(await page.locator("li.track").count()).toBe(5); // 3 top tracks + 2 recently played
      expect(await page.locator("li.artist").count()).toBe(2);
      expect(await page.textContent("body")).toContain("Aurora Mix");
      if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
    } finally {
      await context.close();
    }

    context = await launch();
    try {
      const page = await context.newPage();
      await page.goto(`${app.url}/`);
      expect(page.url()).toBe(`${app.url}/`);
      expect(await page.textContent("#display-name")).toBe("Alice Liddell");
      await page.click("text=Log out");
      await page.waitForURL(/\/authorize/);
    } finally {
      await context.close();
    }
  }, 60_000);
});
