/**
 * Reviews in Postgres, and the product aggregates that follow them. Every
 * review write runs in one transaction that first locks the product row (the
 * aggregate UPDATE does it), then changes the review, so:
 * - the counts and sums on the product always equal those of its reviews
 *   (a CHECK also ties the three label counts to the review count);
 * - concurrent writes to one product queue on that row lock and each adds its
 *   own increment to the committed value: no update is lost;
 * - every writer takes the product lock before any review lock, the order a
 *   product deletion (which cascades to its reviews) takes too: no deadlock.
 */
import type pg from "pg";
import { inTransaction } from "../shared/postgres.js";
import type { Sentiment } from "../sentiment.js";
import { PRODUCT_COLUMNS, productFromRow, type ProductRow } from "./products.js";
import { pageFrom, type Page, type Product, type Review, type ReviewCreate, type ReviewListQuery, type ReviewSort } from "./schemas.js";

interface ReviewRow {
  readonly id: string;
  readonly product_id: string;
  readonly author: string;
  readonly rating: number;
  readonly body: string;
  /** numeric: a string from pg. */
  readonly sentiment_score: string;
  readonly sentiment_label: Review["sentiment"]["label"];
  readonly created_at: Date;
}

const REVIEW_COLUMNS = "id, product_id, author, rating, body, sentiment_score, sentiment_label, created_at";

function reviewFromRow(row: ReviewRow): Review {
  return {
    id: row.id,
    product_id: row.product_id,
    author: row.author,
    rating: row.rating,
    text: row.body,
    sentiment: { score: Number(row.sentiment_score), label: row.sentiment_label },
    created_at: row.created_at.toISOString(),
  };
}

const ORDER_BY: Record<ReviewSort, string> = {
  newest: "created_at DESC, id DESC",
  oldest: "created_at ASC, id ASC",
  most_positive: "sentiment_score DESC, created_at DESC, id DESC",
  most_negative: "sentiment_score ASC, created_at DESC, id DESC",
};

/**
 * Adds (`sign` 1) or removes (`sign` -1) one review's share of the product's
 * aggregates, relative to the committed row, and locks that row.
 */
const APPLY_REVIEW = `
  UPDATE products SET
    review_count = review_count + $2,
    rating_sum = rating_sum + $2 * $3::int,
    sentiment_sum = sentiment_sum + $2 * $4::numeric,
    positive_count = positive_count + CASE WHEN $5 = 'positive' THEN $2 ELSE 0 END,
    neutral_count = neutral_count + CASE WHEN $5 = 'neutral' THEN $2 ELSE 0 END,
    negative_count = negative_count + CASE WHEN $5 = 'negative' THEN $2 ELSE 0 END,
    updated_at = now()
  WHERE id = $1
  RETURNING ${PRODUCT_COLUMNS}`;

export interface ReviewAdded {
  readonly review: Review;
  readonly product: Product;
}

export class ReviewStore {
  constructor(private readonly pool: pg.Pool) {}

  /** A page of the product's reviews; `undefined` when there is no such product. */
  async list(productId: string, query: ReviewListQuery): Promise<Page<Review> | undefined> {
    // One statement: the total comes from the product's own count, consistent with the page.
    const { rows } = await this.pool.query<{ review_count: number; review: ReviewRow | null }>(
      `SELECT p.review_count, to_jsonb(r) AS review
       FROM products p
       LEFT JOIN LATERAL (
         SELECT ${REVIEW_COLUMNS} FROM reviews WHERE product_id = p.id ORDER BY ${ORDER_BY[query.sort]} LIMIT $2 OFFSET $3
       ) r ON true
       WHERE p.id = $1`,
      [productId, query.per_page, (query.page - 1) * query.per_page],
    );
    if (rows.length === 0) return undefined;
    const items = rows.flatMap((row) => (row.review ? [reviewFromRow(fromJson(row.review))] : []));
    return pageFrom(items, query, rows[0]?.review_count ?? 0);
  }

  /** Adds a scored review and its share of the aggregates; `undefined` when there is no such product. */
  async add(productId: string, input: ReviewCreate, sentiment: Sentiment): Promise<ReviewAdded | undefined> {
    return inTransaction(this.pool, async (client) => {
      const product = await client.query<ProductRow>(APPLY_REVIEW, [productId, 1, input.rating, sentiment.score, sentiment.label]);
      if (product.rows.length === 0) return undefined;
      const { rows } = await client.query<ReviewRow>(
        `INSERT INTO reviews (product_id, author, rating, body, sentiment_score, sentiment_label)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${REVIEW_COLUMNS}`,
        [productId, input.author, input.rating, input.text, sentiment.score, sentiment.label],
      );
      return { review: reviewFromRow(rows[0] as ReviewRow), product: productFromRow(product.rows[0] as ProductRow) };
    });
  }

  /** Deletes a review of the product and takes back its share; says which one is missing otherwise. */
  async remove(productId: string, reviewId: string): Promise<Product | "no-product" | "no-review"> {
    return inTransaction(this.pool, async (client) => {
      const locked = await client.query("SELECT 1 FROM products WHERE id = $1 FOR UPDATE", [productId]);
      if (locked.rows.length === 0) return "no-product";
      const { rows } = await client.query<ReviewRow>(`DELETE FROM reviews WHERE id = $1 AND product_id = $2 RETURNING ${REVIEW_COLUMNS}`, [
        reviewId,
        productId,
      ]);
      const review = rows[0];
      if (!review) return "no-review";
      const product = await client.query<ProductRow>(APPLY_REVIEW, [productId, -1, review.rating, review.sentiment_score, review.sentiment_label]);
      return productFromRow(product.rows[0] as ProductRow);
    });
  }
}

/** to_jsonb gives timestamps as strings and numerics as numbers; bring them back to the row's types. */
function fromJson(review: ReviewRow): ReviewRow {
  return { ...review, sentiment_score: String(review.sentiment_score), created_at: new Date(review.created_at) };
}
