/**
 * A product's aggregates follow its reviews in the same transaction, and stay
 * right when many writes hit one product at once: after 50 concurrent review
 * writes (and a mix of adds and deletes) the counts and sums on the product
 * equal those recomputed from its reviews — no update lost.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labelFor } from "../src/sentiment.js";
import { API_KEY_A, addReview, call, createProduct, startSuite, type ProductBody, type ReviewBody, type RunningApp, type Suite } from "./support/harness.js";

const TEXTS = [
  "I love it, absolutely wonderful and great quality",
  "Terrible, it broke on day one and support was awful",
  "It is a box with a lid.",
  "Pretty good value, happy with it",
  "Disappointing and bad, would not buy again",
];

interface Recomputed {
  review_count: number;
  rating_sum: number;
  sentiment_sum: string;
  positive: number;
  neutral: number;
  negative: number;
}

describe("aggregates", () => {
  let suite: Suite;
  let app: RunningApp;

  beforeAll(async () => {
    suite = await startSuite("aggregates");
    // A pool as large as the burst, so the writes really meet in the database.
    app = await suite.start({ PG_POOL_MAX: "25", RATE_LIMIT_WRITES_PER_MINUTE: "1000" });
  });
  afterAll(async () => {
    await suite?.close();
  });

  /** What the product row says, next to what its reviews add up to. */
  async function storedAndRecomputed(productId: string) {
    const stored = await suite.db.query<Recomputed>(
      `SELECT review_count, rating_sum, sentiment_sum::text, positive_count AS positive, neutral_count AS neutral, negative_count AS negative
       FROM shop_sentiment.products WHERE id = $1`,
      [productId],
    );
    const recomputed = await suite.db.query<Recomputed>(
      `SELECT count(*)::int AS review_count, coalesce(sum(rating), 0)::int AS rating_sum, coalesce(sum(sentiment_score), 0)::numeric(14, 4)::text AS sentiment_sum,
              count(*) FILTER (WHERE sentiment_label = 'positive')::int AS positive,
              count(*) FILTER (WHERE sentiment_label = 'neutral')::int AS neutral,
              count(*) FILTER (WHERE sentiment_label = 'negative')::int AS negative
       FROM shop_sentiment.reviews WHERE product_id = $1`,
      [productId],
    );
    return { stored: stored.rows[0], recomputed: recomputed.rows[0] };
  }

  it("are updated with each review added and deleted", async () => {
    const product = await createProduct(app.url, { name: "Lamp" });
    const loved = await addReview(app.url, product.id, { rating: 5, text: TEXTS[0] });
    const hated = await addReview(app.url, product.id, { rating: 1, text: TEXTS[1] });
    expect(loved.sentiment.label).toBe("positive");
    expect(hated.sentiment.label).toBe("negative");
    expect(loved.sentiment.label).toBe(labelFor(loved.sentiment.score));

    let read = (await call<ProductBody>(app.url, "GET", `/api/v1/products/${product.id}`)).body;
    expect(read).toMatchObject({ review_count: 2, average_rating: 3, sentiment: { positive: 1, neutral: 0, negative: 1 } });
    expect(read.sentiment.average).toBeCloseTo((loved.sentiment.score + hated.sentiment.score) / 2, 3);

    expect((await call(app.url, "DELETE", `/api/v1/products/${product.id}/reviews/${hated.id}`, { key: API_KEY_A })).status).toBe(204);
    read = (await call<ProductBody>(app.url, "GET", `/api/v1/products/${product.id}`)).body;
    expect(read).toMatchObject({ review_count: 1, average_rating: 5, sentiment: { average: loved.sentiment.score, positive: 1, neutral: 0, negative: 0 } });

    expect((await call(app.url, "DELETE", `/api/v1/products/${product.id}/reviews/${loved.id}`, { key: API_KEY_A })).status).toBe(204);
    read = (await call<ProductBody>(app.url, "GET", `/api/v1/products/${product.id}`)).body;
    expect(read).toMatchObject({ review_count: 0, average_rating: null, sentiment: { average: null, positive: 0, neutral: 0, negative: 0 } });
    // numeric sums: adding and taking back leaves exactly zero, no float residue.
    expect((await storedAndRecomputed(product.id)).stored?.sentiment_sum).toBe("0.0000");
  });

  it("lose no update under 50 concurrent review writes to one product", async () => {
    const product = await createProduct(app.url, { name: "Busy product" });
    const writes = Array.from({ length: 50 }, (_, index) =>
      call<ReviewBody>(app.url, "POST", `/api/v1/products/${product.id}/reviews`, {
        key: API_KEY_A,
        body: { rating: (index % 5) + 1, text: TEXTS[index % TEXTS.length], author: `Writer ${index}` },
      }),
    );
    const responses = await Promise.all(writes);
    // Each refused write named with its status and error code, so a failure says what went wrong.
    const refused = responses.flatMap((response, index) => (response.status === 201 ? [] : [`#${index}: ${response.status} ${JSON.stringify(response.body)}`]));
    expect(refused).toEqual([]);

    const { stored, recomputed } = await storedAndRecomputed(product.id);
    expect(recomputed?.review_count).toBe(50);
    expect(stored).toEqual(recomputed);
    expect(stored?.rating_sum).toBe(150); // ratings 1..5, ten times each

    const read = (await call<ProductBody>(app.url, "GET", `/api/v1/products/${product.id}`)).body;
    expect(read.review_count).toBe(50);
    expect(read.average_rating).toBe(3);
    expect(read.sentiment.positive + read.sentiment.neutral + read.sentiment.negative).toBe(50);
    const scores = responses.map((response) => response.body.sentiment.score);
    expect(read.sentiment.average).toBeCloseTo(scores.reduce((sum, score) => sum + score, 0) / 50, 3);
    expect(read.sentiment.positive).toBe(scores.filter((score) => labelFor(score) === "positive").length);
  });

  it("stay equal to their reviews under concurrent adds and deletes", async () => {
    const product = await createProduct(app.url, { name: "Churning product" });
    const initial = await Promise.all(Array.from({ length: 20 }, (_, index) => addReview(app.url, product.id, { rating: 2, text: TEXTS[index % TEXTS.length] })));
    const deletes = initial.slice(0, 15).map((review) => call(app.url, "DELETE", `/api/v1/products/${product.id}/reviews/${review.id}`, { key: API_KEY_A }));
    // Deleting the same review twice at once: one wins, the other finds nothing.
    const twice = initial[19] as ReviewBody;
    const duplicateDeletes = [0, 1].map(() => call(app.url, "DELETE", `/api/v1/products/${product.id}/reviews/${twice.id}`, { key: API_KEY_A }));
    const adds = Array.from({ length: 30 }, (_, index) => call(app.url, "POST", `/api/v1/products/${product.id}/reviews`, { key: API_KEY_A, body: { rating: 4, text: TEXTS[index % TEXTS.length] } }));
    const [deleted, duplicated, added] = await Promise.all([Promise.all(deletes), Promise.all(duplicateDeletes), Promise.all(adds)]);
    expect(deleted.every((response) => response.status === 204)).toBe(true);
    expect(duplicated.map((response) => response.status).sort()).toEqual([204, 404]);
    expect(added.every((response) => response.status === 201)).toBe(true);

    const { stored, recomputed } = await storedAndRecomputed(product.id);
    expect(recomputed?.review_count).toBe(20 - 15 - 1 + 30);
    expect(stored).toEqual(recomputed);
  });

  it("deleting a product while reviews are being written ends cleanly: no deadlock, no 5xx", async () => {
    const product = await createProduct(app.url, { name: "Doomed product" });
    const reviews = await Promise.all(Array.from({ length: 5 }, () => addReview(app.url, product.id)));
    const traffic = [
      ...Array.from({ length: 10 }, () => call(app.url, "POST", `/api/v1/products/${product.id}/reviews`, { key: API_KEY_A, body: { rating: 3, text: "fine" } })),
      ...reviews.map((review) => call(app.url, "DELETE", `/api/v1/products/${product.id}/reviews/${review.id}`, { key: API_KEY_A })),
      call(app.url, "DELETE", `/api/v1/products/${product.id}`, { key: API_KEY_A }),
    ];
    const statuses = (await Promise.all(traffic)).map((response) => response.status);
    expect(statuses.every((status) => [201, 204, 404].includes(status))).toBe(true);
    expect(statuses.at(-1)).toBe(204);
    const left = await suite.db.query("SELECT 1 FROM shop_sentiment.reviews WHERE product_id = $1", [product.id]);
    expect(left.rows).toHaveLength(0);
  });

  it("a review for a product that does not exist is a 404 and writes nothing", async () => {
    const response = await call(app.url, "POST", "/api/v1/products/00000000-0000-4000-8000-000000000000/reviews", { key: API_KEY_A, body: { rating: 3, text: "ghost" } });
    expect(response.status).toBe(404);
    expect(response.body.error).toBe("product_not_found");
    const product = await createProduct(app.url);
    const review = await call(app.url, "DELETE", `/api/v1/products/${product.id}/reviews/00000000-0000-4000-8000-000000000000`, { key: API_KEY_A });
    expect(review.status).toBe(404);
    expect(review.body.error).toBe("review_not_found");
  });
});
