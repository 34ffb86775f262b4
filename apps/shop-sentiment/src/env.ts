/**
 * Everything shop-sentiment reads from its environment: the web API and the
 * release-phase migration parse it once at boot with `loadEnv(process.env)`.
 */
import { z } from "zod";
import { appEnv, herokuVars, integer, keyList, logLevel, parseEnv, postgresVars, redisVars, variable } from "./shared/env.js";

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
  ...redisVars,
  /** Every cache key starts with it (ends with ":"). */

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
