/**
 * The Redis cache of product reads: a second read is a hit, every write
 * retires what it changed (on every dyno), and Redis going away — down or
 * hung — mid-test leaves the API answering from the database while /health
 * says degraded; when Redis is back, nothing cached before the outage is
 * served stale.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_KEY_A, addReview, call, createProduct, silentLogger, startSuite, type PageBody, type ProductBody, type ReviewBody, type RunningApp, type Suite } from "./support/harness.js";
import { ReadThroughCache } from "../src/cache.js";
import { closeRedis, createRedis } from "../src/redis.js";
import { keysUnder, rawRedis, REDIS_URL, RedisProxy } from "./support/redis.js";

async function getProduct(app: RunningApp, id: string) {
  const response = await call<ProductBody>(app.url, "GET", `/api/v1/products/${id}`);
  expect(response.status).toBe(200);
  return { product: response.body, cache: response.headers.get("x-cache") };
}

/** Polls until `check` passes (bounded), for things that settle in the background. */
async function eventually(check: () => Promise<boolean>, attempts = 100): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("condition never held");
}

describe("cache", () => {
  let suite: Suite;

  beforeAll(async () => {
    suite = await startSuite("cache");
  });
  afterAll(async () => {
    await suite?.close();
  });

  describe("with Redis up", () => {
    let app: RunningApp;
    let other: RunningApp;

    beforeAll(async () => {
      app = await suite.start();
      other = await suite.start(); // a second dyno on the same database and Redis
    });

    it("serves the second read from Redis, and a review write retires it", async () => {
      const created = await createProduct(app.url, { name: "Cached kettle" });
      expect((await getProduct(app, created.id)).cache).toBe("miss");
      const second = await getProduct(app, created.id);
      expect(second.cache).toBe("hit");
      expect(second.product).toEqual(created);

      // Change the row behind the app's back: a hit still shows the cached value.
      await suite.db.query("UPDATE shop_sentiment.products SET description = 'changed in the database' WHERE id = $1", [created.id]);
      const stale = await getProduct(app, created.id);
      expect(stale).toMatchObject({ cache: "hit", product: { description: "" } });

      await addReview(app.url, created.id, { rating: 5, text: "Lovely kettle, works great" });
      const fresh = await getProduct(app, created.id);
      expect(fresh.cache).toBe("miss");
      expect(fresh.product).toMatchObject({ description: "changed in the database", review_count: 1, sentiment: { positive: 1 } });
      expect((await getProduct(app, created.id)).cache).toBe("hit");
    });

    it("a write through one dyno retires the entries another dyno reads", async () => {
      const created = await createProduct(app.url, { name: "Shared entry" });
      await getProduct(app, created.id);
      expect((await getProduct(app, created.id)).cache).toBe("hit");
      const patched = await call<ProductBody>(other.url, "PATCH", `/api/v1/products/${created.id}`, { key: API_KEY_A, body: { name: "Renamed elsewhere" } });
      expect(patched.status).toBe(200);
      const after = await getProduct(app, created.id);
      expect(after).toMatchObject({ cache: "miss", product: { name: "Renamed elsewhere" } });
    });

    it("caches lists and review pages, and retires them on every write that changes them", async () => {
      const product = await createProduct(app.url, { name: "Listed lamp", category: "lamps" });
      const listPath = "/api/v1/products?category=lamps";
      const reviewsPath = `/api/v1/products/${product.id}/reviews`;
      expect((await call(app.url, "GET", listPath)).headers.get("x-cache")).toBe("miss");
      expect((await call(app.url, "GET", listPath)).headers.get("x-cache")).toBe("hit");
      expect((await call(app.url, "GET", reviewsPath)).headers.get("x-cache")).toBe("miss");
      expect((await call(app.url, "GET", reviewsPath)).headers.get("x-cache")).toBe("hit");

      const review = await addReview(other.url, product.id, { text: "Bright and pleasant" });
      const list = await call<PageBody<ProductBody>>(app.url, "GET", listPath);
      expect(list.headers.get("x-cache")).toBe("miss");
      expect(list.body.items[0]?.review_count).toBe(1);
      const reviews = await call<PageBody<ReviewBody>>(app.url, "GET", reviewsPath);
      expect(reviews.headers.get("x-cache")).toBe("miss");
      expect(reviews.body.items.map((item) => item.id)).toEqual([review.id]);

      // A new product in the category shows up in the cached list at once.
      await createProduct(other.url, { name: "Second lamp", category: "lamps" });
      expect((await call<PageBody<ProductBody>>(app.url, "GET", listPath)).body.total).toBe(2);

      // Deleting the product retires its entries: no cached ghost.
      expect((await call(other.url, "DELETE", `/api/v1/products/${product.id}`, { key: API_KEY_A })).status).toBe(204);
      expect((await call(app.url, "GET", `/api/v1/products/${product.id}`)).status).toBe(404);
      expect((await call(app.url, "GET", reviewsPath)).status).toBe(404);
    });

    it("retireAll (the reset-cache job) retires every entry on every dyno at once", async () => {
      const product = await createProduct(app.url, { name: "Restored" });
      await getProduct(app, product.id);
      await getProduct(other, product.id);
      expect((await getProduct(app, product.id)).cache).toBe("hit");
      const redis = createRedis({ REDIS_URL, REDIS_KEY_PREFIX: suite.redisPrefix }, silentLogger);
      try {
        await new Promise((resolve) => redis.once("ready", resolve));
        await new ReadThroughCache(redis, { ttlSeconds: 60, logger: silentLogger }).retireAll();
      } finally {
        await closeRedis(redis);
      }
      expect((await getProduct(app, product.id)).cache).toBe("miss");
      expect((await getProduct(other, product.id)).cache).toBe("hit"); // app's miss stored it again, under the new epoch
    });

    it("keeps every key under REDIS_KEY_PREFIX", async () => {
      const product = await createProduct(app.url, { name: "Prefixed" });
      await getProduct(app, product.id);
      const redis = rawRedis();
      try {
        const keys = await keysUnder(redis, suite.redisPrefix);
        expect(keys).toContain(`${suite.redisPrefix}cache:product:${product.id}`);
        expect(keys).toContain(`${suite.redisPrefix}cache:gen:products`);
        expect(await redis.exists(`cache:product:${product.id}`, `cache:gen:product:${product.id}`)).toBe(0);
        expect(await redis.ttl(`${suite.redisPrefix}cache:product:${product.id}`)).toBeGreaterThan(0);
      } finally {
        redis.disconnect();
      }
    });
  });

  describe("when Redis goes away mid-test", () => {
    let proxy: RedisProxy;
    let app: RunningApp;

    beforeAll(async () => {
      proxy = await RedisProxy.start();
      app = await suite.start({ REDIS_URL: proxy.url });
      await eventually(async () => (await call(app.url, "GET", "/health")).body.status === "ok");
    });
    afterAll(async () => {
      await app?.close();
      await proxy?.stop();
    });

    it("keeps answering from the database, says degraded, and serves nothing stale when Redis is back", async () => {
      const product = await createProduct(app.url, { name: "Outage survivor" });
      await getProduct(app, product.id);
      expect((await getProduct(app, product.id)).cache).toBe("hit"); // an entry with review_count 0 sits in Redis

      await proxy.stop();
      const uncached = await getProduct(app, product.id);
      expect(uncached).toMatchObject({ cache: "off", product: { review_count: 0 } });
      const health = await call(app.url, "GET", "/health");
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: "degraded", checks: { database: "ok", redis: "failed" }, failed: ["redis"] });

      // Writes go on (the rate limit counts in memory) and reads see them at once.
      await addReview(app.url, product.id, { rating: 5, text: "Still works during the outage, love it" });
      expect((await getProduct(app, product.id)).product.review_count).toBe(1);
      const list = await call<PageBody<ProductBody>>(app.url, "GET", "/api/v1/products?q=Outage");
      expect(list).toMatchObject({ status: 200, body: { total: 1 } });
      expect(list.headers.get("x-cache")).toBe("off");

      // Back: the entry written before the outage still says review_count 0, and must not be served.
      await proxy.start();
      await eventually(async () => (await call(app.url, "GET", "/health")).body.status === "ok");
      await eventually(async () => (await getProduct(app, product.id)).cache !== "off");
      const afterOutage = await getProduct(app, product.id);
      expect(afterOutage.product.review_count).toBe(1);
      expect((await getProduct(app, product.id)).cache).toBe("hit");
    });

    it("a dyno that lost Redis retires what others cached as soon as it is back, even if it only writes", async () => {
      const direct = await suite.start(); // another dyno, whose Redis never went away
      const product = await createProduct(direct.url, { name: "Seen elsewhere" });
      const other = await createProduct(direct.url, { name: "Written later" });
      await getProduct(direct, product.id);
      expect((await getProduct(direct, product.id)).cache).toBe("hit");

      await proxy.stop();
      await addReview(app.url, product.id, { text: "Written while this dyno had no Redis" }); // its invalidation is lost
      await proxy.start();
      await eventually(async () => (await call(app.url, "GET", "/health")).body.status === "ok");

      // This dyno only writes (another product); that is enough to renew the epoch for everyone.
      await addReview(app.url, other.id, { text: "A later write" });
      const seen = await getProduct(direct, product.id);
      expect(seen).toMatchObject({ cache: "miss", product: { review_count: 1 } });
    });

    it("does not hang when Redis accepts connections but never answers", async () => {
      const product = await createProduct(app.url, { name: "Hung cache" });
      await getProduct(app, product.id);
      proxy.stall();
      const stalled = await getProduct(app, product.id);
      expect(stalled).toMatchObject({ cache: "off", product: { name: "Hung cache" } });
      const health = await call(app.url, "GET", "/health");
      expect(health).toMatchObject({ status: 200, body: { status: "degraded", failed: ["redis"] } });
      const review = await call(app.url, "POST", `/api/v1/products/${product.id}/reviews`, { key: API_KEY_A, body: { rating: 2, text: "meh" } });
      expect(review.status).toBe(201);
      expect((await getProduct(app, product.id)).product.review_count).toBe(1);
      await proxy.stop();
      await proxy.start();
      await eventually(async () => (await call(app.url, "GET", "/health")).body.status === "ok");
    });
  });

  it("answers from the database when Redis is unreachable from the start", async () => {
    const app = await suite.start({ REDIS_URL: "redis://127.0.0.1:1" });
    const product = await createProduct(app.url, { name: "Never cached" });
    expect(await getProduct(app, product.id)).toMatchObject({ cache: "off", product: { id: product.id } });
    expect((await call(app.url, "GET", "/health")).body).toMatchObject({ status: "degraded", failed: ["redis"] });
  });
});
