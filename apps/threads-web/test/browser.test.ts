/**
 * A person's path in headless Chromium, against the real threads-api with its
 * fake Threads behind it: the landing page, sign-in through Threads, the
 * dashboard with their posts once the ingest job has scored them, flagged
 * replies, the account page, a phone-sized dashboard, sign-out. Every page
 * answers with the security headers and breaks no rule of its CSP.
 * Screenshots of the main pages go to test-results/screenshots/.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page, type Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_DIR } from "./support/global-build.js";
import { startThreadsApi, threadsApiMissing, type RunningThreadsApi } from "./support/threads-api.js";
import { freePort, runWeb, webEnv, type WebProcess } from "./support/web.js";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const SCREENSHOTS = path.join(APP_DIR, "test-results", "screenshots");
const apiMissing = threadsApiMissing();
const skipReason = !fs.existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM}` : apiMissing;
if (skipReason !== undefined) console.warn(`browser test skipped: ${skipReason}`);

describe.skipIf(skipReason !== undefined)("in headless Chromium, against the real threads-api", () => {
  let api: RunningThreadsApi;
  let web: WebProcess;
  let browser: Browser;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    const [webPort, apiPort] = [await freePort(), await freePort()];
    const webUrl = `http://127.0.0.1:${webPort}`;
    api = await startThreadsApi({ port: apiPort, webUrl, username: "alice" });
    web = runWeb(webEnv(webPort, api.url));
    await web.waitFor((line) => line.msg === "ready");
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
    await api?.close();
  });

  function watch(page: Page): void {
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on("pageerror", (error) => cspViolations.push(`page error: ${error.message}`));
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });

  function expectSecurityHeaders(response: Response | null, where: string): void {
    const headers = response?.headers() ?? {};
    const csp = headers["content-security-policy"] ?? "";
    expect(csp.split("; "), where).toContain(`connect-src 'self' ${api.url}`);
    expect(csp, where).toContain("frame-ancestors 'none'");
    expect(headers["strict-transport-security"], where).toContain("max-age=");
    expect(headers["x-content-type-options"], where).toBe("nosniff");
    expect(headers["referrer-policy"], where).toBe("strict-origin-when-cross-origin");
    expect(headers["x-robots-tag"], where).toBe("noindex, nofollow");
  }

  it("signs in through Threads, sees the scored posts, signs out", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    watch(page);

    const landing = await page.goto(`${web.url}/`);
    expectSecurityHeaders(landing, "landing");
    await expect(page.locator("h1").textContent()).resolves.toBe("See which of your Threads posts land");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await shot(page, "landing");

    await page.getByRole("link", { name: "Sign in with Threads" }).click();
    await page.waitForURL(`${web.url}/signin`);
    await shot(page, "signin");
    await page.getByRole("link", { name: "Continue with Threads" }).click();
    await page.waitForURL(`${web.url}/dashboard`);
    expect(await page.textContent("#greeting")).toContain("Alice Liddell");

    // The scheduled ingest job reads alice's posts from the fake Threads and scores them.
    api.ingest();
    const dashboard = await page.reload();
    expectSecurityHeaders(dashboard, "dashboard");
    expect(await page.locator("tr.post").count()).toBe(12);
    const scores = await page.locator("tr.post td.score").allTextContents();
    const numbers = scores.map((score) => Number(score.replace(/,/g, "")));
    expect(numbers.every((n) => Number.isFinite(n))).toBe(true);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    expect(await page.textContent("body")).toContain("thoughts on building in public");
    await shot(page, "dashboard");

    await page.getByRole("link", { name: "Date" }).click();
    await page.waitForURL(`${web.url}/dashboard?sort=recent`);
    expect(await page.locator("tr.post th").first().textContent()).toContain("Post 1:");

    await page.getByRole("link", { name: "Flagged replies", exact: true }).click();
    await page.waitForURL(`${web.url}/flagged`);
    expect(await page.locator("li.reply").count()).toBeGreaterThan(0);
    expect(await page.textContent("body")).toContain("You are an idiot");
    await shot(page, "flagged");

    await page.getByRole("link", { name: "Account" }).click();
    await page.waitForURL(`${web.url}/account`);
    expect(await page.textContent("body")).toContain("@alice");
    await shot(page, "account");
    await page.getByRole("link", { name: "Delete my data…" }).click();
    await page.waitForURL(`${web.url}/account/delete`);
    await shot(page, "account-delete");

    const phone = await context.newPage();
    watch(phone);
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(`${web.url}/dashboard`);
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(phone, "dashboard-phone");
    await phone.close();

    await page.goto(`${web.url}/dashboard`);
    const session = (await context.cookies()).filter((cookie) => cookie.name.startsWith("threads_"));
    expect(session.map((cookie) => cookie.name).sort()).toEqual(["threads_access", "threads_refresh"]);
    await page.getByRole("button", { name: "Sign out" }).first().click();
    await page.waitForURL(`${web.url}/?signed_out=1`);
    expect(await page.textContent("[role=status]")).toBe("You are signed out.");
    expect((await context.cookies()).map((cookie) => cookie.name).filter((name) => name.startsWith("threads_"))).toEqual([]);
    await shot(page, "signed-out");

    // Neither going back nor reloading shows the dashboard again.
    await page.goBack();
    await page.waitForURL(/\/signin\?return_to=%2Fdashboard$/);
    expect(await page.locator("#greeting").count()).toBe(0);
    await page.reload();
    await page.waitForURL(/\/signin\?return_to=%2Fdashboard$/);
    expect(await page.locator("#greeting").count()).toBe(0);
    await page.goto(`${web.url}/dashboard`);
    await page.waitForURL(/\/signin\?return_to=%2Fdashboard$/);

    // The API revoked the session: its cookies, kept from before and presented again, are refused,
    // and the person lands on the session-expired page with a way back to sign-in (not an error).
    const refresh = session.find((cookie) => cookie.name === "threads_refresh")!;
    const refused = await fetch(`${api.url}/api/v1/auth/refresh`, { method: "POST", headers: { cookie: `threads_refresh=${refresh.value}`, origin: web.url } });
    expect(refused.status).toBe(401);
    await context.addCookies(session);
    const expired = await page.goto(`${web.url}/dashboard`);
    await page.waitForURL(`${web.url}/session-expired?return_to=%2Fdashboard`);
    expect(expired?.status()).toBe(200);
    expectSecurityHeaders(expired, "session expired");
    expect(await page.locator("h1").textContent()).toBe("Your session has expired");
    expect(await page.locator("#greeting").count()).toBe(0);
    expect((await context.cookies()).map((cookie) => cookie.name).filter((name) => name.startsWith("threads_"))).toEqual([]);
    await shot(page, "session-expired");
    await page.getByRole("link", { name: "Sign in again" }).click();
    await page.waitForURL(`${web.url}/signin?return_to=%2Fdashboard`);

    const missing = await page.goto(`${web.url}/no/such/page`);
    expect(missing?.status()).toBe(404);
    expectSecurityHeaders(missing, "404");
    await shot(page, "not-found");
    await context.close();

    expect(cspViolations).toEqual([]);
  }, 120_000);
});
