/**
 * Write limits per client, counted in Redis across dynos: past the limit a
 * write gets 429 with Retry-After; other clients, reads and /health are not
 * limited; with Redis gone the limit is counted in memory — writes keep
 * working (no 5xx) and the limit still holds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_KEY_A, API_KEY_B, call, startSuite, type RunningApp, type Suite } from "./support/harness.js";
import { RedisProxy } from "./support/redis.js";

const LIMIT = 3;

describe("write limits", () => {
  let suite: Suite;
  let product: { id: string };

  beforeAll(async () => {
    suite = await startSuite("ratelimit");
    // Straight into the database: an API write would already count against key A's budget.
    const { rows } = await suite.db.query<{ id: string }>("INSERT INTO shop_sentiment.products (name) VALUES ('Popular') RETURNING id");
    product = { id: rows[0]?.id as string };
  });
  afterAll(async () => {
    await suite?.close();
  });

  /** A review write from the client at `address` (as Heroku's router reports it). */
  const review = (app: RunningApp, address: string, key = API_KEY_A) =>
    call(app.url, "POST", `/api/v1/products/${product.id}/reviews`, {
      key,
      body: { rating: 3, text: "ok" },
      headers: { "x-forwarded-for": address },
    });

  it("answers 429 with Retry-After past the limit, per client, shared by every dyno", async () => {
    const [first, second] = await Promise.all([
      suite.start({ RATE_LIMIT_WRITES_PER_MINUTE: String(LIMIT), API_KEYS: `${API_KEY_A},${API_KEY_B}` }),
      suite.start({ RATE_LIMIT_WRITES_PER_MINUTE: String(LIMIT), API_KEYS: `${API_KEY_A},${API_KEY_B}` }),
    ]);
    // Three writes with key A, spread over two dynos: all in.
    expect((await review(first, "203.0.113.1")).status).toBe(201);
    expect((await review(second, "203.0.113.2")).status).toBe(201);
    expect((await review(first, "203.0.113.3")).status).toBe(201);

    const limited = await review(second, "203.0.113.1");
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe("rate_limited");
    expect(limited.body.message).toMatch(/at most 3 a minute per client/);
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // Another client (key B) has its own budget; reads and /health have none.
    expect((await review(first, "203.0.113.1", API_KEY_B)).status).toBe(201);
    for (let index = 0; index < LIMIT + 2; index++) {
      expect((await call(first.url, "GET", `/api/v1/products/${product.id}`)).status).toBe(200);
      expect((await call(first.url, "GET", "/health")).status).toBe(200);
    }
  });

  it("counts browsers by the address Heroku's router appended, not by what they claim", async () => {
    const app = await suite.start({ RATE_LIMIT_WRITES_PER_MINUTE: String(LIMIT) });
    const browserWrite = (forwardedFor: string) =>
      call(app.url, "POST", `/api/v1/products/${product.id}/reviews`, { body: { rating: 3, text: "x" }, headers: { "x-forwarded-for": forwardedFor } });
    // CSRF refuses these (no session), but each one counts.
    for (let index = 0; index < LIMIT; index++) expect((await browserWrite(`10.0.0.${index}, 198.51.100.7`)).status).toBe(403);
    expect((await browserWrite("10.9.9.9, 198.51.100.7")).status).toBe(429);
    expect((await browserWrite("198.51.100.8")).status).toBe(403);
  });

  it("counts in memory while Redis is down: writes still work, and the limit still holds", async () => {
    const proxy = await RedisProxy.start();
    try {
      const app = await suite.start({ RATE_LIMIT_WRITES_PER_MINUTE: String(LIMIT), REDIS_URL: proxy.url });
      await proxy.stop();
      const statuses = [];
      for (let index = 0; index < LIMIT + 1; index++) statuses.push((await review(app, "192.0.2.50")).status);
      expect(statuses).toEqual([201, 201, 201, 429]);
      expect((await review(app, "192.0.2.51", API_KEY_A)).status).toBe(429); // same key, same client
    } finally {
      await proxy.stop();
    }
  });
});
