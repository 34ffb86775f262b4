/**
 * What most tests need: a migrated database, the fake Steam and OpenAI, the
 * environment pointing at them, the pipeline's and backfill's dependencies
 * with waits cut to nothing, the app listening on loopback, Cloudflare Access
 * tokens signed by a local key, and a small cookie-keeping browser.
 */
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTVerifyGetKey } from "jose";
import pg from "pg";
import type { Logger } from "pino";
import { buildApp, type AppOptions } from "../../src/app.js";
import { APPLICATION_NAME, createPool } from "../../src/db.js";
import { loadEnv, type Env } from "../../src/env.js";
import { Interrupted } from "../../src/http/sleep.js";
import { createLogger } from "../../src/logger.js";
import type { BackfillDeps } from "../../src/pipeline/backfill.js";
import type { PipelineDeps } from "../../src/pipeline/run-pipeline.js";
import { chatClient, PROFILES, steamApis, type ClientOverrides } from "../../src/services.js";
import { connectionConfig } from "../../src/shared/postgres.js";
import { Browser as KitBrowser } from "../kit/browser.js";
import { listenOnLoopback, type RunningApp } from "../kit/web-app.js";
import { createTestDatabase, SCHEMA, type TestDatabase } from "./database.js";
import { FAKE_OPENAI_KEY, FakeOpenAi } from "./fake-openai.js";
import { FakeSteam } from "./fake-steam.js";

export { csrfTokenIn } from "../kit/browser.js";
export { freePort } from "../kit/net.js";
export type { RunningApp } from "../kit/web-app.js";

export const COOKIE_SECRET = "6f0c2d1a9b8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a";
export const TEAM_DOMAIN = "https://fleet-test.cloudflareaccess.com";
export const AUDIENCE = "steam-reviews-admin-aud";

export const silentLogger = createLogger({ level: "silent" });

/** Waits recorded, not waited: retries and pacing happen at once. */
export function instantClients(waits: number[] = []): ClientOverrides {
  return {
    http: {
      sleep: async (ms, signal) => {
        waits.push(ms);
        if (signal?.aborted) throw new Interrupted();
      },
    },
    profile: { timeoutMs: 2_000 },
  };
}

/** A log that tests can read: every line as an object. */
export function memoryLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ level: "debug", destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });
  return { logger, lines };
}

export interface Suite {
  readonly db: TestDatabase;
  readonly steam: FakeSteam;
  readonly openai: FakeOpenAi;
  /** A pool as the app makes it (search_path = the app's schema). */
  readonly pool: pg.Pool;
  env(overrides?: Record<string, string | undefined>): Env;
  pipelineDeps(overrides?: Partial<PipelineDeps>, clients?: ClientOverrides): PipelineDeps;
  backfillDeps(overrides?: Partial<BackfillDeps>, clients?: ClientOverrides): BackfillDeps;
  /** Adds a tracked game directly. */
  track(appId: number, name: string, extra?: { lastFetchedAt?: Date; active?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function startSuite(label: string): Promise<Suite> {
  const db = await createTestDatabase(label);
  const steam = await FakeSteam.start();
  const openai = await FakeOpenAi.start();
  const env = (overrides: Record<string, string | undefined> = {}) =>
    loadEnv({
      APP_ENV: "staging",
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      DATABASE_URL: db.url,
      DATABASE_SCHEMA: SCHEMA,
      PG_POOL_MAX: "4",
      OPENAI_API_KEY: FAKE_OPENAI_KEY,
      OPENAI_BASE_URL: openai.url,
      STEAM_STORE_URL: steam.url,
      STEAM_REQUEST_INTERVAL_MS: "0",
      COOKIE_SECRET,
      CF_ACCESS_TEAM_DOMAIN: TEAM_DOMAIN,
      CF_ACCESS_AUD: AUDIENCE,
      ...overrides,
    });
  const baseEnv = env();
  const pool = createPool(baseEnv, () => undefined);
  const lockConnection = connectionConfig(baseEnv, APPLICATION_NAME);
  return {
    db,
    steam,
    openai,
    pool,
    env,
    pipelineDeps(overrides = {}, clients = instantClients()) {
      const apis = steamApis(baseEnv, PROFILES.job, clients);
      return {
        pool,
        lockConnection,
        schema: SCHEMA,
        steam: apis.reviews,
        store: apis.store,
        chat: chatClient(baseEnv, clients),
        logger: silentLogger,
        now: () => new Date(),
        maxReviewsPerRun: 500,
        ...overrides,
      };
    },
    backfillDeps(overrides = {}, clients = instantClients()) {
      return { pool, lockConnection, schema: SCHEMA, steam: steamApis(baseEnv, PROFILES.job, clients).reviews, logger: silentLogger, now: () => new Date(), ...overrides };
    },
    async track(appId, name, extra = {}) {
      await db.query("INSERT INTO tracked_apps (app_id, name, added_by, last_fetched_timestamp, active) VALUES ($1, $2, 'test', $3, $4)", [
        appId,
        name,
        extra.lastFetchedAt ?? null,
        extra.active ?? true,
      ]);
    },
    async close() {
      await pool.end();
      await steam.close();
      await openai.close();
      await db.drop();
    },
  };
}

/** Rows of review_days summed per game next to the same counts taken from reviews: the two must agree. */
export async function statsAgree(db: TestDatabase): Promise<{ fromDays: unknown[]; fromReviews: unknown[] }> {
  const fromDays = await db.query(`
    SELECT app_id, day::text, reviews, positive, analysed, round(sentiment_sum::numeric, 3)::text AS sentiment_sum, sentiment_positive, sentiment_negative
    FROM review_days WHERE reviews > 0 OR analysed > 0 ORDER BY 1, 2`);
  const fromReviews = await db.query(`
    SELECT app_id, (created_at AT TIME ZONE 'UTC')::date::text AS day, count(*)::int AS reviews, count(*) FILTER (WHERE voted_up)::int AS positive,
      count(analysed_at)::int AS analysed, round(coalesce(sum(sentiment_score), 0)::numeric, 3)::text AS sentiment_sum,
      count(*) FILTER (WHERE sentiment = 'positive')::int AS sentiment_positive, count(*) FILTER (WHERE sentiment = 'negative')::int AS sentiment_negative
    FROM reviews GROUP BY 1, 2 ORDER BY 1, 2`);
  return { fromDays: fromDays.rows, fromReviews: fromReviews.rows };
}

// ── Cloudflare Access ────────────────────────────────────────────────────────

export interface AccessIssuer {
  /** What the app verifies tokens with. */
  readonly keys: JWTVerifyGetKey;
  /** A token as Access issues it; `overrides` to make a bad one. */
  token(claims?: { email?: string; audience?: string; issuer?: string; expiresIn?: string }): Promise<string>;
  /** A token signed by a key the team does not have. */
  forgedToken(): Promise<string>;
}

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

export async function accessIssuer(): Promise<AccessIssuer> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const stranger = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "RS256" };
  const sign = (key: SigningKey, claims: { email?: string; audience?: string; issuer?: string; expiresIn?: string } = {}) =>
    new SignJWT({ email: claims.email ?? "admin@example.com", type: "app" })
      .setProtectedHeader({ alg: "RS256", kid: "test-key" })
      .setIssuer(claims.issuer ?? TEAM_DOMAIN)
      .setAudience(claims.audience ?? AUDIENCE)
      .setSubject("7335d417-61da-459d-899c-0a01c76a2f94")
      .setIssuedAt()
      .setExpirationTime(claims.expiresIn ?? "10m")
      .sign(key);
  return {
    keys: createLocalJWKSet({ keys: [jwk] }),
    token: (claims) => sign(privateKey, claims),
    forgedToken: () => sign(stranger.privateKey),
  };
}

// ── The app on loopback ──────────────────────────────────────────────────────

export async function startApp(options: AppOptions, port = 0): Promise<RunningApp> {
  return listenOnLoopback(await buildApp({ steam: instantClients(), ...options }), port);
}

/** A person's browser on the dashboard and /admin: asks for HTML, keeps cookies, never follows redirects. */
export class Browser extends KitBrowser {
  constructor(baseUrl: string) {
    super(baseUrl, { accept: "text/html" });
  }
}
