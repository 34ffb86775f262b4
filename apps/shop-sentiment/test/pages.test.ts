/**
 * The pages people read: the product list, a product's page with its
 * sentiment breakdown and reviews (everything escaped), the review form with
 * its problems shown next to it, and error pages with a way on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addReview, Browser, createProduct, csrfTokenIn, startSuite, type ProductBody, type RunningApp, type Suite } from "./support/harness.js";

describe("pages", () => {
  let suite: Suite;
  let app: RunningApp;
  let product: ProductBody;

  beforeAll(async () => {
    suite = await startSuite("pages");
    app = await suite.start();
    product = await createProduct(app.url, { name: "Toaster <b>deluxe</b>", description: "Makes <script>alert(1)</script> toast", category: "kitchen", price_cents: 3450 });
    await addReview(app.url, product.id, { author: "Ann <img src=x>", rating: 5, text: "I love this toaster, it is excellent" });
    await addReview(app.url, product.id, { author: "Ben", rating: 1, text: "Awful, it burned everything and broke" });
    await addReview(app.url, product.id, { author: "Cy", rating: 3, text: "It is a toaster." });
  });
  afterAll(async () => {
    await suite?.close();
  });

  it("lists products with their sentiment, escaped, readable on a phone", async () => {
    const response = await new Browser(app.url).get("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    const page = await response.text();
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toContain("Toaster &lt;b&gt;deluxe&lt;/b&gt;");
    expect(page).not.toContain("<b>deluxe</b>");
    expect(page).toContain(`href="/products/${product.id}"`);
    expect(page).toContain("3 reviews");
    expect(page).toContain("$34.50");
  });

  it("searches from the list page", async () => {
    await createProduct(app.url, { name: "Blender" });
    const page = await (await new Browser(app.url).get("/?q=blend")).text();
    expect(page).toContain("Blender");
    expect(page).not.toContain("Toaster");
    expect(page).toContain('value="blend"');
  });

  it("shows a product's breakdown and reviews, escaped, with a form carrying a CSRF token", async () => {
    const browser = new Browser(app.url);
    const response = await browser.get(`/products/${product.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    const page = await response.text();
    expect(page).toContain('<h1 id="product-name">Toaster &lt;b&gt;deluxe&lt;/b&gt;</h1>');
    expect(page).toContain("Makes &lt;script&gt;alert(1)&lt;/script&gt; toast");
    expect(page).not.toContain("<script>");
    expect(page).toContain("Ann &lt;img src=x&gt;");
    expect(page).toMatch(/data-label="positive"><span class="chip positive">Positive<\/span> <strong class="count">1<\/strong> <span class="muted">\(33%\)/);
    expect(page).toMatch(/data-label="negative">.*<strong class="count">1<\/strong>/);
    expect(page).toMatch(/data-label="neutral">.*<strong class="count">1<\/strong>/);
    expect(page).toContain('<span id="review-count">3</span>');
    expect(csrfTokenIn(page)).not.toBe("");
  });

  it("shows the form's problems next to it, keeping what was typed, and adds nothing", async () => {
    const browser = new Browser(app.url);
    const token = csrfTokenIn(await (await browser.get(`/products/${product.id}`)).text());
    const response = await browser.postForm(`/products/${product.id}/reviews`, { _csrf: token, author: "Dee", rating: "9", text: "   " });
    expect(response.status).toBe(400);
    const page = await response.text();
    expect(page).toContain('role="alert"');
    expect(page).toContain("Rating: must be 1 to 5");
    expect(page).toContain("Your review: must not be empty");
    expect(page).toContain('value="Dee"');
    expect(page).toContain('<span id="review-count">3</span>');
  });

  it("adds a review from the form and shows it on the page it redirects to", async () => {
    const browser = new Browser(app.url);
    const token = csrfTokenIn(await (await browser.get(`/products/${product.id}`)).text());
    const posted = await browser.postForm(`/products/${product.id}/reviews`, { _csrf: token, rating: "4", text: "Browns evenly, pleasant to use" });
    expect(posted.status).toBe(303);
    const location = posted.headers.get("location") as string;
    const page = await (await browser.get(location.split("#")[0] as string)).text();
    expect(page).toContain("Browns evenly, pleasant to use");
    expect(page).toContain("Anonymous");
    expect(page).toContain('<span id="review-count">4</span>');
  });

  it("answers a person with an error page: not found, bad input, a database outage with Try again", async () => {
    const browser = new Browser(app.url);
    const missing = await browser.get("/products/00000000-0000-4000-8000-000000000000");
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("There is no product 00000000-0000-4000-8000-000000000000");
    const nowhere = await browser.get("/no/such/page");
    expect(nowhere.status).toBe(404);
    expect(await nowhere.text()).toContain("Page not found");
    const bad = await browser.get("/?sort=sideways");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("sort (querystring)");

    const down = await suite.start({ DATABASE_URL: "postgres://postgres@127.0.0.1:1/nowhere", REDIS_KEY_PREFIX: `${suite.redisPrefix}down:` });
    const outage = await new Browser(down.url).get("/");
    expect(outage.status).toBe(503);
    expect(outage.headers.get("retry-after")).toBe("5");
    const page = await outage.text();
    expect(page).toContain("Temporarily unavailable");
    expect(page).toContain('<a href="/">Try again</a>');
  });

  it("answers the app's own failure (its tables missing) with a 500 page offering Try again, JSON for clients, the detail only in the log", async () => {
    const lines: Record<string, unknown>[] = [];
    const broken = await suite.start(
      { DATABASE_SCHEMA: "shop_sentiment_without_tables", REDIS_KEY_PREFIX: `${suite.redisPrefix}broken:`, LOG_LEVEL: "info" },
      { logDestination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } },
    );
    const page = await new Browser(broken.url).get("/?q=toaster");
    expect(page.status).toBe(500);
    expect(page.headers.get("content-type")).toContain("text/html");
    const text = await page.text();
    expect(text).toContain("Something went wrong");
    expect(text).toContain('<a href="/?q=toaster">Try again</a>');
    expect(text).not.toContain("does not exist");
    const api = await fetch(new URL(`/api/v1/products/${product.id}`, broken.url), { headers: { accept: "application/json" } });
    expect(api.status).toBe(500);
    const body = await api.text();
    expect(JSON.parse(body)).toMatchObject({ error: "internal_error" });
    expect(body).not.toContain("does not exist");
    const errors = lines.filter((line) => line.level === "error");
    expect(errors).toHaveLength(2);
    expect(JSON.stringify(errors[0])).toContain("does not exist");
  });
});
