/**
 * A person's path in headless Chromium: the product list, a product's page,
 * a review posted through its form (CSRF token and session cookie handled by
 * the browser alone), the breakdown updated; and the API docs page working
 * under the app's content security policy.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addReview, createProduct, startSuite, type RunningApp, type Suite } from "./support/harness.js";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

describe.skipIf(!existsSync(CHROMIUM))("in headless Chromium", () => {
  let suite: Suite;
  let app: RunningApp;
  let browser: Browser;

  beforeAll(async () => {
    suite = await startSuite("browser");
    app = await suite.start();
    const product = await createProduct(app.url, { name: "Espresso machine", category: "kitchen", price_cents: 19900, description: "Pulls a fine shot." });
    await addReview(app.url, product.id, { author: "Ana", rating: 5, text: "Wonderful coffee, I love it" });
    await addReview(app.url, product.id, { author: "Bo", rating: 2, text: "Loud and the steam wand is awful" });
    await createProduct(app.url, { name: "Milk jug" });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await suite?.close();
  });

  it("browses to a product, posts a review through the form, and sees the breakdown change", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const blocked: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") blocked.push(message.text());
    });
    await page.goto(`${app.url}/`);
    expect(await page.locator("article.product").count()).toBe(2);
    await page.click("text=Espresso machine");
    await page.waitForURL(/\/products\/[0-9a-f-]{36}$/);
    expect(await page.textContent("#product-name")).toBe("Espresso machine");
    expect(await page.textContent("#review-count")).toBe("2");
    expect(await page.textContent('[data-label="positive"] .count')).toBe("1");

    await page.fill("#author", "Cleo");
    await page.selectOption("#rating", "5");
    await page.fill("#text", "Fantastic machine, great crema, I am delighted");
    await Promise.all([page.waitForURL(/#review-/), page.click("text=Post review")]);
    expect(await page.textContent("#review-count")).toBe("3");
    expect(await page.textContent('[data-label="positive"] .count')).toBe("2");
    expect(await page.locator("article.review", { hasText: "Cleo" }).count()).toBe(1);
    // Nothing on the page needed more than the CSP allows.
    expect(blocked).toEqual([]);
    if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
    await page.close();
  });

  it("shows a form mistake next to the form", async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/`);
    await page.click("text=Milk jug");
    // Blank but not empty: the browser's own `required` check lets it through, the server's does not.
    await page.fill("#text", "   ");
    await page.click("text=Post review");
    await page.waitForSelector('[role="alert"]');
    expect(await page.textContent('[role="alert"]')).toContain("Your review: must not be empty");
    await page.close();
  });

  it("renders the interactive API docs at /docs", async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/docs`);
    await page.waitForSelector(".opblock", { timeout: 15_000 });
    const operations = await page.locator(".opblock-summary-path").allTextContents();
    expect(operations.map((text) => text.replace(/\u200b/g, ""))).toEqual(expect.arrayContaining(["/api/v1/products", "/api/v1/products/{productId}/reviews"]));
    await page.close();
  });
});
