/**
 * Everything shop-sentiment reads from its environment: the web API and the
 * release-phase migration parse it once at boot with `loadEnv(process.env)`.
 */
import { z } from "zod";
import { appEnv, herokuVars, integer, keyList, logLevel, parseEnv, postgresVars, redisVars, variable } from "./shared/env.js";

export { EnvError } from "./shared/env.js";

/** 32 random bytes as lowercase hex, as fleet generates them. */
const HEX_KEY = /^[0-9a-f]{64}$/;
const HEX_KEY_SHAPE = "64 hexadecimal characters (32 bytes)";

export const envSchema = z.object({
  // Heroku
  ...herokuVars,
  /** Heroku sets it for web dynos; the release dyno never listens. */
  PORT: variable(integer(1, 65535).default(3000)),
  LOG_LEVEL: logLevel,

  // fleet
  /** The stack; `development` only on a developer's machine. */
  APP_ENV: appEnv,
  ...postgresVars,
  /** Every cache and rate-limit key starts with REDIS_KEY_PREFIX (ends with ":"). */
  ...redisVars,

  /**
   * Session-cookie keys (32 bytes as hex each), newest first: the CSRF secret
   * every browser write is checked against lives in that encrypted session.
   */
  SESSION_KEYS: variable(keyList(HEX_KEY, HEX_KEY_SHAPE)),

  /**
   * Keys that servers present (`Authorization: Bearer <key>` or `X-API-Key`)
   * to write without a browser session, newest first: every key in the list
   * is accepted, so a rotation keeps the previous one working until clients move.
   */
  API_KEYS: variable(keyList(HEX_KEY, HEX_KEY_SHAPE)),

  /** How long a product's reviews and scores stay cached; every write invalidates them at once. */
  CACHE_TTL_SECONDS: variable(integer(1, 86_400).default(300)),

  /** Writes (POST, PATCH, DELETE) one client may make per minute; the 429 carries Retry-After. */
  RATE_LIMIT_WRITES_PER_MINUTE: variable(integer(1, 100_000).default(60)),
});

export type Env = z.infer<typeof envSchema>;

/**
 * Parses the environment once at boot. Throws one Error that names every
 * missing or invalid variable and the problem — never a value.
 */
export function loadEnv(raw: Record<string, string | undefined>): Env {
  return parseEnv("shop-sentiment", envSchema, raw);
}
