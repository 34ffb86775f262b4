/**
 * Products in Postgres. Each row carries its reviews' aggregates (kept by
 * reviews.ts in the same transaction as every review write), so reading a
 * product never counts its reviews.
 */
import type pg from "pg";
import { pageFrom, type Page, type Product, type ProductCreate, type ProductListQuery, type ProductSort, type ProductUpdate } from "./schemas.js";

export interface ProductRow {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly category: string | null;
  readonly price_cents: number | null;
  readonly review_count: number;
  readonly rating_sum: number;
  /** numeric: pg returns it as a string, exactly. */
  readonly sentiment_sum: string;
  readonly positive_count: number;
  readonly neutral_count: number;
  readonly negative_count: number;
  readonly created_at: Date;
  readonly updated_at: Date;
}

export const PRODUCT_COLUMNS =
  "id, name, description, category, price_cents, review_count, rating_sum, sentiment_sum, positive_count, neutral_count, negative_count, created_at, updated_at";

const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

export function productFromRow(row: ProductRow): Product {
  const count = row.review_count;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    category: row.category,
    price_cents: row.price_cents,
    review_count: count,
    average_rating: count === 0 ? null : round(row.rating_sum / count, 2),
    sentiment: {
      average: count === 0 ? null : round(Number(row.sentiment_sum) / count, 4),
      positive: row.positive_count,
      neutral: row.neutral_count,
      negative: row.negative_count,
    },
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

const AVERAGE_SENTIMENT = "(sentiment_sum / NULLIF(review_count, 0))";
const AVERAGE_RATING = "(rating_sum::numeric / NULLIF(review_count, 0))";

/** ORDER BY for each sort the API accepts (a closed list: nothing from the request reaches the SQL text). */
const ORDER_BY: Record<ProductSort, string> = {
  "-created_at": "created_at DESC, id DESC",
  created_at: "created_at ASC, id ASC",
  name: "lower(name) ASC, id ASC",
  "-name": "lower(name) DESC, id DESC",
  "-sentiment": `${AVERAGE_SENTIMENT} DESC NULLS LAST, id ASC`,
  sentiment: `${AVERAGE_SENTIMENT} ASC NULLS LAST, id ASC`,
  "-review_count": "review_count DESC, id ASC",
  review_count: "review_count ASC, id ASC",
  "-average_rating": `${AVERAGE_RATING} DESC NULLS LAST, id ASC`,
  average_rating: `${AVERAGE_RATING} ASC NULLS LAST, id ASC`,
  price_cents: "price_cents ASC NULLS LAST, id ASC",
  "-price_cents": "price_cents DESC NULLS LAST, id ASC",
};

/** A LIKE pattern that matches `text` literally anywhere. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/** Columns a PATCH may set, in a fixed order. */
const UPDATABLE = ["name", "description", "category", "price_cents"] as const;

export class ProductStore {
  constructor(private readonly pool: pg.Pool) {}

  async list(query: ProductListQuery): Promise<Page<Product>> {
    const pattern = query.q === undefined ? null : containsPattern(query.q);
    const filter = "($1::text IS NULL OR name ILIKE $1 OR description ILIKE $1) AND ($2::text IS NULL OR category = $2)";
    const values = [pattern, query.category ?? null];
    const [rows, count] = await Promise.all([
      this.pool.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE ${filter} ORDER BY ${ORDER_BY[query.sort]} LIMIT $3 OFFSET $4`, [
        ...values,
        query.per_page,
        (query.page - 1) * query.per_page,
      ]),
      this.pool.query<{ total: number }>(`SELECT count(*)::int AS total FROM products WHERE ${filter}`, values),
    ]);
    return pageFrom(rows.rows.map(productFromRow), query, count.rows[0]?.total ?? 0);
  }

  async get(id: string): Promise<Product | undefined> {
    const { rows } = await this.pool.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = $1`, [id]);
    return rows[0] ? productFromRow(rows[0]) : undefined;
  }

  async create(input: ProductCreate): Promise<Product> {
    const { rows } = await this.pool.query<ProductRow>(
      `INSERT INTO products (name, description, category, price_cents) VALUES ($1, $2, $3, $4) RETURNING ${PRODUCT_COLUMNS}`,
      [input.name, input.description, input.category, input.price_cents],
    );
    return productFromRow(rows[0] as ProductRow);
  }

  /** Sets the given fields; `undefined` when there is no such product. */
  async update(id: string, patch: ProductUpdate): Promise<Product | undefined> {
    const columns = UPDATABLE.filter((column) => patch[column] !== undefined);
    const assignments = columns.map((column, index) => `${column} = $${index + 2}`);
    const { rows } = await this.pool.query<ProductRow>(
      `UPDATE products SET ${[...assignments, "updated_at = now()"].join(", ")} WHERE id = $1 RETURNING ${PRODUCT_COLUMNS}`,
      [id, ...columns.map((column) => patch[column])],
    );
    return rows[0] ? productFromRow(rows[0]) : undefined;
  }

  /** Deletes the product and its reviews; `false` when there was none. */
  async delete(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query("DELETE FROM products WHERE id = $1", [id]);
    return rowCount === 1;
  }
}
