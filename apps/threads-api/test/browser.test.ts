/**
 * In a real browser (headless Chromium): the pages a person may land on
 * (the API's address, an unknown page) read well on a phone, and signing in
 * goes through the fake Threads' consent screen, back through the callback,
 * to the web app with both session cookies set as API.md says.
 */
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser as Chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startApp, startSuite, type RunningApp, type Suite } from "./support/harness.js";

const CHROMIUM = "/usr/bin/chromium";

describe.runIf(existsSync(CHROMIUM))("in Chromium", () => {
  let suite: Suite;
  let app: RunningApp;
  let web: Server;
  let webOrigin: string;
  let browser: Chromium;

  beforeAll(async () => {
    suite = await startSuite("browser");
    // A stand-in for threads-web: where sign-in returns.
    web = createServer((request, response) => {
      response.writeHead(200, { "content-type": "text/html" });
      response.end(`<!doctype html><title>web app</title><h1>web app at ${request.url}</h1>`);
    });
    await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
    webOrigin = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    // The callback must come back to this app, so its port is chosen first.
    const port = await freePort();
    app = await startApp(
      {
        env: suite.env({
          APP_ENV: "development",
          SESSION_COOKIE_DOMAIN: undefined,
          WEB_APP_URL: webOrigin,
          CORS_ALLOWED_ORIGINS: webOrigin,
          THREADS_REDIRECT_URI: `http://127.0.0.1:${port}/api/v1/auth/threads/callback`,
        }),
      },
      port,
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await new Promise((resolve) => web?.close(resolve));
    await suite?.close();
  });

  it("shows a person a readable page at the API's address and for an unknown page", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${app.url}/`);
    expect(await page.locator("h1").textContent()).toBe("Threads analytics API");
    expect(await page.locator("a.button").getAttribute("href")).toBe(webOrigin);
    const width = await page.locator("html").evaluate((root) => root.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    const missing = await page.goto(`${app.url}/nope`);
    expect(missing?.status()).toBe(404);
    expect(await page.locator("h1").textContent()).toBe("Page not found");
    await page.close();
  });

  it("signs in through the consent screen and lands on the web app with the session cookies", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app.url}/api/v1/auth/threads/login?return_to=/dashboard`);
    await page.getByText("Continue as @alice").click();
    await page.waitForURL(`${webOrigin}/dashboard`);
    const cookies = Object.fromEntries((await context.cookies(app.url)).map((cookie) => [cookie.name, cookie]));
    expect(cookies["threads_access"]).toMatchObject({ httpOnly: true, path: "/", sameSite: "Lax" });
    expect(cookies["threads_refresh"]).toMatchObject({ httpOnly: true, path: "/" });
    const me = await page.evaluate(async (url) => (await fetch(url, { credentials: "include" })).json(), `${app.url}/api/v1/me`);
    expect(me).toMatchObject({ username: "alice" });
    await context.close();
  });
});
