/**
 * The products API against the real Postgres and Redis: create, get, update,
 * delete; paging, search and sort; bad input answered with a 4xx that names
 * the field and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_KEY_A, addReview, call, createProduct, startSuite, type PageBody, type ProductBody, type RunningApp, type Suite } from "./support/harness.js";

describe("products API", () => {
  let suite: Suite;
  let app: RunningApp;

  beforeAll(async () => {
    suite = await startSuite("products");
    app = await suite.start();
  });
  afterAll(async () => {
    await suite?.close();
  });

  const productCount = async () => Number((await suite.db.query<{ n: string }>("SELECT count(*) AS n FROM shop_sentiment.products")).rows[0]?.n);

  it("creates, reads, updates and deletes a product", async () => {
    const created = await call<ProductBody>(app.url, "POST", "/api/v1/products", {
      key: API_KEY_A,
      body: { name: "  Kettle  ", description: "Boils water", category: "kitchen", price_cents: 2999 },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "Kettle",
      description: "Boils water",
      category: "kitchen",
      price_cents: 2999,
      review_count: 0,
      average_rating: null,
      sentiment: { average: null, positive: 0, neutral: 0, negative: 0 },
    });
    const id = created.body.id;
    expect(created.headers.get("location")).toBe(`/api/v1/products/${id}`);

    const read = await call<ProductBody>(app.url, "GET", `/api/v1/products/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const updated = await call<ProductBody>(app.url, "PATCH", `/api/v1/products/${id}`, { key: API_KEY_A, body: { price_cents: 2499, category: null } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ name: "Kettle", description: "Boils water", category: null, price_cents: 2499 });
    expect(Date.parse(updated.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(created.body.updated_at));
    expect((await call<ProductBody>(app.url, "GET", `/api/v1/products/${id}`)).body.price_cents).toBe(2499);

    await addReview(app.url, id, { text: "Great kettle" });
    const deleted = await call(app.url, "DELETE", `/api/v1/products/${id}`, { key: API_KEY_A });
    expect(deleted.status).toBe(204);
    expect((await call(app.url, "GET", `/api/v1/products/${id}`)).status).toBe(404);
    const orphans = await suite.db.query("SELECT 1 FROM shop_sentiment.reviews WHERE product_id = $1", [id]);
    expect(orphans.rows).toHaveLength(0);
    expect((await call(app.url, "DELETE", `/api/v1/products/${id}`, { key: API_KEY_A })).status).toBe(404);
  });

  describe("listing", () => {
    const names = ["Alpha mug", "Bravo 100% cotton shirt", "Charlie mug", "Delta lamp", "Echo mug_large"];
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      await suite.db.query("DELETE FROM shop_sentiment.products");
      for (const [index, name] of names.entries()) {
        const product = await createProduct(app.url, { name, category: name.includes("mug") ? "mugs" : "other", price_cents: (index + 1) * 100 });
        ids[name] = product.id;
      }
      // Sentiment to sort by: Charlie loved, Alpha hated, Delta mixed; the others have no reviews.
      await addReview(app.url, ids["Charlie mug"] as string, { rating: 5, text: "I love this mug, it is wonderful" });
      await addReview(app.url, ids["Alpha mug"] as string, { rating: 1, text: "Terrible mug, it broke and I hate it" });
      await addReview(app.url, ids["Delta lamp"] as string, { rating: 3, text: "It is a lamp." });
    });

    const list = async (query: string) => (await call<PageBody<ProductBody>>(app.url, "GET", `/api/v1/products${query}`)).body;
    const namesOf = (page: PageBody<ProductBody>) => page.items.map((item) => item.name);

    it("pages through every product, newest first by default", async () => {
      const first = await list("?per_page=2");
      expect(first).toMatchObject({ page: 1, per_page: 2, total: 5, total_pages: 3 });
      expect(namesOf(first)).toEqual(["Echo mug_large", "Delta lamp"]);
      expect(namesOf(await list("?per_page=2&page=3"))).toEqual(["Alpha mug"]);
      const beyond = await list("?per_page=2&page=4");
      expect(beyond).toMatchObject({ items: [], total: 5, total_pages: 3 });
    });

    it("searches names and descriptions, taking % and _ literally, and filters by category", async () => {
      expect(namesOf(await list("?q=MUG&sort=name"))).toEqual(["Alpha mug", "Charlie mug", "Echo mug_large"]);
      expect(namesOf(await list("?q=100%25"))).toEqual(["Bravo 100% cotton shirt"]);
      expect(namesOf(await list("?q=mug_"))).toEqual(["Echo mug_large"]);
      expect(namesOf(await list("?q=%25"))).toEqual(["Bravo 100% cotton shirt"]);
      expect((await list("?q=nothing-like-this")).total).toBe(0);
      expect(namesOf(await list("?category=other&sort=name"))).toEqual(["Bravo 100% cotton shirt", "Delta lamp"]);
      expect((await list("?q=")).total).toBe(5);
    });

    it("sorts by name, price, sentiment, reviews and rating", async () => {
      expect(namesOf(await list("?sort=-name"))).toEqual([...names].reverse());
      expect(namesOf(await list("?sort=price_cents"))).toEqual(names);
      const bySentiment = namesOf(await list("?sort=-sentiment"));
      expect(bySentiment.slice(0, 3)).toEqual(["Charlie mug", "Delta lamp", "Alpha mug"]);
      expect(namesOf(await list("?sort=sentiment")).slice(0, 3)).toEqual(["Alpha mug", "Delta lamp", "Charlie mug"]);
      expect(namesOf(await list("?sort=-average_rating")).slice(0, 3)).toEqual(["Charlie mug", "Delta lamp", "Alpha mug"]);
      expect(namesOf(await list("?sort=-review_count")).slice(0, 3).sort()).toEqual(["Alpha mug", "Charlie mug", "Delta lamp"]);
    });

    it("refuses bad paging and sort values, naming the parameter", async () => {
      for (const [query, field] of [
        ["?per_page=101", "per_page"],
        ["?page=0", "page"],
        ["?page=two", "page"],
        ["?sort=price", "sort"],
      ] as const) {
        const response = await call(app.url, "GET", `/api/v1/products${query}`);
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ error: "invalid_request" });
        expect(String(response.body.message)).toContain(`${field} (querystring)`);
      }
    });
  });

  describe("bad input", () => {
    it("answers 400 naming every bad field, and creates nothing", async () => {
      const before = await productCount();
      const response = await call(app.url, "POST", "/api/v1/products", { key: API_KEY_A, body: { name: "", price_cents: -5, colour: "red" } });
      expect(response.status).toBe(400);
      expect(response.body.error).toBe("invalid_request");
      const message = String(response.body.message);
      expect(message).toContain("name (body): must not be empty");
      expect(message).toContain("price_cents (body): must not be negative");
      expect(message).toContain("colour (body): not a field this request accepts");
      expect(await productCount()).toBe(before);
    });

    it("names a missing field and a wrong type", async () => {
      const missing = await call(app.url, "POST", "/api/v1/products", { key: API_KEY_A, body: { description: "no name" } });
      expect(missing.status).toBe(400);
      expect(missing.body.message).toBe("name (body): is required");
      const wrongType = await call(app.url, "POST", "/api/v1/products", { key: API_KEY_A, body: { name: "Mug", price_cents: "12" } });
      expect(wrongType.status).toBe(400);
      expect(String(wrongType.body.message)).toMatch(/^price_cents \(body\): .*expected number/);
    });

    it("refuses an empty update and unknown fields in an update", async () => {
      const product = await createProduct(app.url, { name: "Unchanged" });
      const empty = await call(app.url, "PATCH", `/api/v1/products/${product.id}`, { key: API_KEY_A, body: {} });
      expect(empty.status).toBe(400);
      expect(String(empty.body.message)).toContain("must change at least one of name, description, category, price_cents");
      const unknown = await call(app.url, "PATCH", `/api/v1/products/${product.id}`, { key: API_KEY_A, body: { id: "x" } });
      expect(unknown.status).toBe(400);
      expect((await call<ProductBody>(app.url, "GET", `/api/v1/products/${product.id}`)).body.name).toBe("Unchanged");
    });

    it("answers 400 for a body that is not JSON, 415 for another media type, 413 for a huge body", async () => {
      const notJson = await call(app.url, "POST", "/api/v1/products", { key: API_KEY_A, body: "{name:", headers: { "content-type": "application/json" } });
      expect(notJson.status).toBe(400);
      expect(notJson.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
      const xml = await call(app.url, "POST", "/api/v1/products", { key: API_KEY_A, body: "<name/>", headers: { "content-type": "application/xml" } });
      expect(xml.status).toBe(415);
      expect(xml.body.error).toBe("unsupported_media_type");
      const huge = await call(app.url, "POST", "/api/v1/products", { key: API_KEY_A, body: { name: "x", description: "y".repeat(40_000) } });
      expect(huge.status).toBe(413);
      expect(huge.body.error).toBe("body_too_large");
    });

    it("answers 400 for an id that is not a UUID and 404 for one that does not exist", async () => {
      const notId = await call(app.url, "GET", "/api/v1/products/123");
      expect(notId.status).toBe(400);
      expect(notId.body.message).toBe("productId (params): must be a product id (a UUID)");
      const missing = await call(app.url, "GET", "/api/v1/products/00000000-0000-4000-8000-000000000000");
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({
        error: "product_not_found",
        message: "There is no product 00000000-0000-4000-8000-000000000000. List products at /api/v1/products.",
      });
      const patchMissing = await call(app.url, "PATCH", "/api/v1/products/00000000-0000-4000-8000-000000000000", { key: API_KEY_A, body: { name: "x" } });
      expect(patchMissing.status).toBe(404);
    });

    it("answers 404, not a CSRF refusal, for a write to a path that does not exist", async () => {
      const response = await call(app.url, "POST", "/api/v1/nothing-here", { body: { name: "x" } });
      expect(response.status).toBe(404);
      expect(response.body.error).toBe("not_found");
    });

    it("needs an API key to change the catalog", async () => {
      const before = await productCount();
      const anonymous = await call(app.url, "POST", "/api/v1/products", { body: { name: "Sneaky" } });
      expect(anonymous.status).toBe(403); // no session, no key: the CSRF check refuses first
      const wrongKey = await call(app.url, "POST", "/api/v1/products", { key: "f".repeat(64), body: { name: "Sneaky" } });
      expect(wrongKey.status).toBe(401);
      expect(wrongKey.body.error).toBe("invalid_api_key");
      expect(await productCount()).toBe(before);
    });
  });
});
