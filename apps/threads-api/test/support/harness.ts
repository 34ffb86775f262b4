/**
 * Builds the pieces most tests need: a database with the app's migrations,
 * a Redis prefix, the fake Threads, the app listening on loopback, and a
 * browser on the web app's origin.
 */
import { buildApp, type AppOptions } from "../../src/app.js";
import { loadEnv, type Env } from "../../src/env.js";
import { createLogger } from "../../src/logger.js";
import { runMigrations } from "../../src/migrator.js";
import { Browser as KitBrowser, type RequestHeaders } from "../kit/browser.js";
import { listenOnLoopback, type RunningApp } from "../kit/web-app.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
import { FakeThreads } from "./fake-threads.js";
import { createTestRedis, REDIS_URL, type TestRedis } from "./redis.js";
import { demoUsers, type FakeThreadsUser } from "./threads-data.js";

export { freePort } from "../kit/net.js";
export type { RunningApp } from "../kit/web-app.js";

/** Two fixed AES keys (32 bytes, standard base64). */
export const KEY_A = "q83vEjRWeJCrze8SNFZ4kKvN7xI0VniQq83vEjRWeJA=";
export const KEY_B = "ESIzRFVmd4iZqrvM3e7/ABEiM0RVZneImaq7zN3u/wA=";
export const ACCESS_SECRET = "test-access-secret-0123456789abcdef0123456789abcdef";
export const ACCESS_SECRET_NEXT = "test-access-secret-next-fedcba9876543210fedcba98765";
export const REFRESH_SECRET = "test-refresh-secret-0123456789abcdef0123456789abcde";
export const REFRESH_SECRET_NEXT = "test-refresh-secret-next-fedcba9876543210fedcba987";
export const CLIENT_ID = "1234567890";
export const CLIENT_SECRET = "fake-threads-app-secret";
export const API_ORIGIN = "https://api.example.test";
export const WEB_ORIGIN = "https://app.example.test";
export const SCHEMA = "threads_api";

export const silentLogger = createLogger({ LOG_LEVEL: "silent", APP_ENV: "development", DYNO: undefined });

export interface TestServices {
  readonly databaseUrl: string;
  readonly redisUrl?: string;
  readonly redisPrefix: string;
  readonly threadsUrl: string;
  readonly moderationUrl?: string;
}

export function testEnv(services: TestServices, overrides: Record<string, string | undefined> = {}): Env {
  return loadEnv({
    APP_ENV: "staging",
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    DATABASE_URL: services.databaseUrl,
    DATABASE_SCHEMA: SCHEMA,
    PG_POOL_MAX: "4",
    REDIS_URL: services.redisUrl ?? REDIS_URL,
    REDIS_KEY_PREFIX: services.redisPrefix,
    JWT_ACCESS_SECRET: ACCESS_SECRET,
    JWT_REFRESH_SECRET: REFRESH_SECRET,
    TOKEN_ENCRYPTION_KEYS: KEY_A,
    CORS_ALLOWED_ORIGINS: WEB_ORIGIN,
    SESSION_COOKIE_DOMAIN: "example.test",
    WEB_APP_URL: WEB_ORIGIN,
    THREADS_CLIENT_ID: CLIENT_ID,
    THREADS_CLIENT_SECRET: CLIENT_SECRET,
    THREADS_REDIRECT_URI: `${API_ORIGIN}/api/v1/auth/threads/callback`,
    THREADS_AUTHORIZE_URL: `${services.threadsUrl}/oauth/authorize`,
    THREADS_API_BASE_URL: services.threadsUrl,
    OPENAI_API_KEY: "sk-test-moderation-key",
    OPENAI_BASE_URL: services.moderationUrl ?? "http://127.0.0.1:9/v1",
    RATE_LIMIT_MAX: "1000",
    ...overrides,
  });
}

/** Builds the app and listens on loopback (`port` 0: any free port). */
export async function startApp(options: AppOptions, port = 0): Promise<RunningApp> {
  return listenOnLoopback(await buildApp({ threadsHttp: { sleep: async () => undefined }, ...options }), port);
}

/** A database with the app's migrations applied, a Redis prefix, and the fake Threads. */
export interface Suite {
  readonly db: TestDatabase;
  readonly redis: TestRedis;
  readonly threads: FakeThreads;
  readonly services: TestServices;
  env(overrides?: Record<string, string | undefined>): Env;
  close(): Promise<void>;
}

export async function startSuite(label: string, users: FakeThreadsUser[] = demoUsers()): Promise<Suite> {
  const db = await createTestDatabase(label);
  await runMigrations({ DATABASE_URL: db.url, DATABASE_SCHEMA: SCHEMA }, silentLogger);
  const redis = await createTestRedis(label);
  const threads = await FakeThreads.start({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, users });
  const services = { databaseUrl: db.url, redisPrefix: redis.prefix, threadsUrl: threads.url };
  return {
    db,
    redis,
    threads,
    services,
    env: (overrides) => testEnv(services, overrides),
    async close() {
      await threads.close();
      await redis.close();
      await db.drop();
    },
  };
}

/** A browser on the web app's origin: its writes (POST, DELETE) carry that Origin, as a browser's fetch does. */
export class Browser extends KitBrowser {
  readonly #origin: string | undefined;

  constructor(baseUrl: string, origin?: string) {
    super(baseUrl);
    this.#origin = origin;
  }

  post(path: string, headers: RequestHeaders = {}): Promise<Response> {
    return this.request("POST", path, { headers: { ...this.#originHeader(), ...headers } });
  }

  delete(path: string, headers: RequestHeaders = {}): Promise<Response> {
    return this.request("DELETE", path, { headers: { ...this.#originHeader(), ...headers } });
  }

  #originHeader(): RequestHeaders {
    return this.#origin ? { origin: this.#origin } : {};
  }
}

/** Signs `browser` in as `username` through the fake's consent screen; returns the callback's answer. */
export async function signIn(browser: Browser, threads: FakeThreads, username: string, returnTo?: string): Promise<Response> {
  const login = await browser.get(`/api/v1/auth/threads/login${returnTo !== undefined ? `?return_to=${encodeURIComponent(returnTo)}` : ""}`);
  const authorizeUrl = login.headers.get("location");
  if (login.status !== 302 || !authorizeUrl) throw new Error(`/login answered ${login.status}`);
  const back = threads.approve(authorizeUrl, username);
  return browser.get(`${back.pathname}${back.search}`);
}
