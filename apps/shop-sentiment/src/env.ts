/**
 * Everything shop-sentiment reads from its environment: the web API and the
 * release-phase migration parse it once at boot with `loadEnv(process.env)`.
 */
import { z } from "zod";
import { integer, keyList, parseEnv, text, url, variable } from "./shared/env.js";

export const envSchema = z.object({
  // Heroku
  NODE_ENV: variable(z.enum(["development", "test", "production"]).default("production")),
  /** Heroku sets it for web dynos; the release dyno never listens. */
  PORT: variable(integer(1, 65535).default(3000)),
  DYNO: variable(text().optional()),
  HEROKU_APP_NAME: variable(text().optional()),
  HEROKU_RELEASE_VERSION: variable(text().optional()),
  HEROKU_SLUG_COMMIT: variable(text().optional()),
  LOG_LEVEL: variable(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info")),

  // fleet
  /** The stack; `development` only on a developer's machine. */
  APP_ENV: variable(z.enum(["development", "staging", "production"])),
  DATABASE_URL: variable(url("postgres:", "postgresql:")),
  /** Every table (products, reviews) and the migrations table live here, reached through search_path. */
  DATABASE_SCHEMA: variable(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lowercase Postgres identifier")),
  PG_POOL_MAX: variable(integer(1, 100)),
  REDIS_URL: variable(url("redis:", "rediss:")),
  /** Every cache key starts with it (ends with ":"). */
  REDIS_KEY_PREFIX: variable(z.string().regex(/^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)*:$/, 'must be a key prefix ending with ":"')),

  /**
   * Session-cookie keys (32 bytes as hex each), newest first: the CSRF secret
   * every POST is checked against lives in that encrypted session.
   */
  SESSION_KEYS: variable(keyList(/^[0-9a-f]{64}$/, "64 hexadecimal characters (32 bytes)")),

  /** How long a product's reviews and scores stay cached; every write invalidates them at once. */
  CACHE_TTL_SECONDS: variable(integer(1, 86_400).default(300)),
});

export type Env = z.infer<typeof envSchema>;

/**
 * Parses the environment once at boot. Throws one Error that names every
 * missing or invalid variable and the problem — never a value.
 */
export function loadEnv(raw: Record<string, string | undefined>): Env {
  return parseEnv("shop-sentiment", envSchema, raw);
}
