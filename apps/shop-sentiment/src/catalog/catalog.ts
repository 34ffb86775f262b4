/**
 * What the routes and pages ask of the catalog: reads through the cache,
 * writes to Postgres and then the cache invalidations they imply, reviews
 * scored on the way in. Missing products and reviews are 404 problems here,
 * so every caller answers them alike.
 */
import { createHash } from "node:crypto";
import type pg from "pg";
import type { z } from "zod";
import { ReadThroughCache, type Cached, type CacheEntry } from "../cache.js";
import type { SentimentAnalyzer } from "../sentiment.js";
import { HttpProblem } from "../shared/web/errors.js";
import { ProductStore } from "./products.js";
import { ReviewStore } from "./reviews.js";
import {
  Product,
  ProductPage,
  ReviewPage,
  type Page,
  type ProductCreate,
  type ProductListQuery,
  type ProductUpdate,
  type Review,
  type ReviewCreate,
  type ReviewListQuery,
} from "./schemas.js";

/** Generation names (see cache.ts): one per product, one for every list of products. */
const productGeneration = (id: string) => `product:${id}`;
const LISTS_GENERATION = "products";

/** A short stable digest of a normalized query, so list keys stay small whatever the search text. */
function queryDigest(query: object): string {
  const canonical = JSON.stringify(Object.entries(query).sort(([a], [b]) => a.localeCompare(b)));
  return createHash("sha256").update(canonical).digest("base64url").slice(0, 22);
}

export function productNotFound(id: string): HttpProblem {
  return new HttpProblem(404, "product_not_found", `There is no product ${id}. List products at /api/v1/products.`);
}

function reviewNotFound(productId: string, reviewId: string): HttpProblem {
  return new HttpProblem(404, "review_not_found", `Product ${productId} has no review ${reviewId}. List its reviews at /api/v1/products/${productId}/reviews.`);
}

export class Catalog {
  readonly #products: ProductStore;
  readonly #reviews: ReviewStore;

  constructor(
    pool: pg.Pool,
    private readonly cache: ReadThroughCache,
    private readonly sentiment: SentimentAnalyzer,
  ) {
    this.#products = new ProductStore(pool);
    this.#reviews = new ReviewStore(pool);
  }

  listProducts(query: ProductListQuery): Promise<Cached<Page<Product>>> {
    const entry: CacheEntry = { key: `products:${queryDigest(query)}`, generations: [LISTS_GENERATION] };
    return this.cache.read(entry, ProductPage as z.ZodType<Page<Product>>, () => this.#products.list(query));
  }

  getProduct(id: string): Promise<Cached<Product>> {
    const entry: CacheEntry = { key: `product:${id}`, generations: [productGeneration(id)] };
    return this.cache.read(entry, Product, async () => {
      const product = await this.#products.get(id);
      if (!product) throw productNotFound(id);
      return product;
    });
  }

  listReviews(productId: string, query: ReviewListQuery): Promise<Cached<Page<Review>>> {
    const entry: CacheEntry = { key: `product:${productId}:reviews:${queryDigest(query)}`, generations: [productGeneration(productId)] };
    return this.cache.read(entry, ReviewPage as z.ZodType<Page<Review>>, async () => {
      const page = await this.#reviews.list(productId, query);
      if (!page) throw productNotFound(productId);
      return page;
    });
  }

  async createProduct(input: ProductCreate): Promise<Product> {
    const product = await this.#products.create(input);
    await this.cache.invalidate([LISTS_GENERATION]);
    return product;
  }

  async updateProduct(id: string, patch: ProductUpdate): Promise<Product> {
    const product = await this.#products.update(id, patch);
    if (!product) throw productNotFound(id);
    await this.#invalidateProduct(id);
    return product;
  }

  async deleteProduct(id: string): Promise<void> {
    if (!(await this.#products.delete(id))) throw productNotFound(id);
    await this.#invalidateProduct(id);
  }

  async addReview(productId: string, input: ReviewCreate): Promise<{ review: Review; product: Product }> {
    const sentiment = await this.sentiment.analyze(input.text);
    const added = await this.#reviews.add(productId, input, sentiment);
    if (!added) throw productNotFound(productId);
    await this.#invalidateProduct(productId);
    return added;
  }

  async deleteReview(productId: string, reviewId: string): Promise<Product> {
    const product = await this.#reviews.remove(productId, reviewId);
    if (product === "no-product") throw productNotFound(productId);
    if (product === "no-review") throw reviewNotFound(productId, reviewId);
    await this.#invalidateProduct(productId);
    return product;
  }

  /** A product's own entries and every list (lists show its aggregates and may sort by them). */
  #invalidateProduct(id: string): Promise<void> {
    return this.cache.invalidate([productGeneration(id), LISTS_GENERATION]);
  }
}
