/**
 * What most tests need: a database with the app's migrations, a Redis key
 * prefix of their own, the app listening on loopback, an API client, and a
 * person's browser.
 */
import { buildApp, type AppOptions } from "../../src/app.js";
import { loadEnv, type Env } from "../../src/env.js";
import { createLogger } from "../../src/logger.js";
import { runMigrations } from "../../src/migrator.js";
import { SentimentAnalyzer } from "../../src/sentiment.js";
import { Browser as KitBrowser, type RequestHeaders } from "../kit/browser.js";
import { listenOnLoopback, type RunningApp } from "../kit/web-app.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
import { deleteKeysUnder, REDIS_URL, testKeyPrefix } from "./redis.js";

export { csrfTokenIn } from "../kit/browser.js";
export { freePort } from "../kit/net.js";
export type { RunningApp } from "../kit/web-app.js";

export const SESSION_KEY_A = "5e551017ab00000000000000000000000000000000000000000000000000000a";
export const SESSION_KEY_B = "5e551017ab00000000000000000000000000000000000000000000000000000b";
export const API_KEY_A = "a91e0000000000000000000000000000000000000000000000000000000000a1";
export const API_KEY_B = "a91e0000000000000000000000000000000000000000000000000000000000b2";

export const silentLogger = createLogger("silent");

/** One model per test file: loading it takes a few hundred ms. */
export const sentiment = new SentimentAnalyzer();

export function testEnv(databaseUrl: string, redisKeyPrefix: string, overrides: Record<string, string | undefined> = {}): Env {
  return loadEnv({
    APP_ENV: "development",
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    DATABASE_URL: databaseUrl,
    DATABASE_SCHEMA: "shop_sentiment",
    PG_POOL_MAX: "5",
    REDIS_URL,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    SESSION_KEYS: SESSION_KEY_A,
    API_KEYS: API_KEY_A,
    ...overrides,
  });
}

/** Builds the app and listens on loopback. */
export async function startApp(options: AppOptions): Promise<RunningApp> {
  return listenOnLoopback(await buildApp({ sentiment, ...options }));
}

/** Resolves once the app's /health reports its Redis connection up (bounded). */
export async function redisConnected(app: RunningApp): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const response = await fetch(`${app.url}/health`);
    const body = (await response.json()) as { checks?: Record<string, string> };
    if (body.checks?.redis === "ok") return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("the app's Redis never connected");
}

/** A database with the app's migrations and a Redis prefix, both removed by `close`. */
export interface Suite {
  readonly db: TestDatabase;
  readonly redisPrefix: string;
  env(overrides?: Record<string, string | undefined>): Env;
  start(overrides?: Record<string, string | undefined>, options?: Partial<AppOptions>): Promise<RunningApp>;
  close(): Promise<void>;
}

export async function startSuite(label: string): Promise<Suite> {
  // The model loads once per worker, here (within the hook's time) rather than inside a timed test's first write.
  const [db] = await Promise.all([createTestDatabase(label), sentiment.load()]);
  await runMigrations({ DATABASE_URL: db.url, DATABASE_SCHEMA: "shop_sentiment" }, silentLogger);
  const redisPrefix = testKeyPrefix(label);
  const running: RunningApp[] = [];
  const env = (overrides?: Record<string, string | undefined>) => testEnv(db.url, redisPrefix, overrides);
  return {
    db,
    redisPrefix,
    env,
    async start(overrides, options) {
      const app = await startApp({ env: env(overrides), ...options });
      running.push(app);
      // Redis connects in the background; tests that expect it should not race its first connection.
      if (overrides?.REDIS_URL === undefined) await redisConnected(app);
      return app;
    },
    async close() {
      await Promise.all(running.map((app) => app.close()));
      await db.drop();
      await deleteKeysUnder(redisPrefix);
    },
  };
}

export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export interface CallOptions {
  /** Sent as `Authorization: Bearer <key>`. */
  readonly key?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/** One JSON API call. */
export async function call<T = Record<string, unknown>>(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  if (options.key !== undefined) headers.authorization = `Bearer ${options.key}`;
  if (options.body !== undefined) headers["content-type"] ??= "application/json";
  const response = await fetch(new URL(path, baseUrl), {
    method,
    headers,
    ...(options.body !== undefined ? { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  const body = (text === "" ? null : response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text) as T;
  return { status: response.status, headers: response.headers, body };
}

export interface ProductBody {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly category: string | null;
  readonly price_cents: number | null;
  readonly review_count: number;
  readonly average_rating: number | null;
  readonly sentiment: { average: number | null; positive: number; neutral: number; negative: number };
  readonly created_at: string;
  readonly updated_at: string;
}

export interface ReviewBody {
  readonly id: string;
  readonly product_id: string;
  readonly author: string;
  readonly rating: number;
  readonly text: string;
  readonly sentiment: { score: number; label: "positive" | "neutral" | "negative" };
  readonly created_at: string;
}

export interface PageBody<T> {
  readonly items: T[];
  readonly page: number;
  readonly per_page: number;
  readonly total: number;
  readonly total_pages: number;
}

/** Creates a product with the API key; throws unless it was created. */
export async function createProduct(baseUrl: string, fields: Record<string, unknown> = {}): Promise<ProductBody> {
  const response = await call<ProductBody>(baseUrl, "POST", "/api/v1/products", { key: API_KEY_A, body: { name: "Test product", ...fields } });
  if (response.status !== 201) throw new Error(`creating a product answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

/** Adds a review with the API key; throws unless it was added. */
export async function addReview(baseUrl: string, productId: string, fields: Record<string, unknown> = {}, key = API_KEY_A): Promise<ReviewBody> {
  const response = await call<ReviewBody>(baseUrl, "POST", `/api/v1/products/${productId}/reviews`, { key, body: { rating: 4, text: "Works fine.", ...fields } });
  if (response.status !== 201) throw new Error(`adding a review answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body;
}

/** A person's browser: asks for pages as HTML, keeps cookies, never follows redirects. */
export class Browser extends KitBrowser {
  override get(path: string, headers: RequestHeaders = {}): Promise<Response> {
    return super.get(path, { accept: "text/html", ...headers });
  }
}
