/**
 * The Redis client: every key under REDIS_KEY_PREFIX, TLS for rediss:// (Heroku
 * Redis presents a self-signed certificate), and short timeouts so a Redis
 * that is down or stalled costs a request milliseconds, never a hang: commands
 * fail at once while disconnected (no offline queue), time out after
 * COMMAND_TIMEOUT_MS when connected but silent, and the client keeps
 * reconnecting in the background.
 */
import { Redis } from "ioredis";
import type { Logger } from "pino";

export type { Redis } from "ioredis";

export const CONNECT_TIMEOUT_MS = 1_000;
/** A cache slower than this is worse than none: the database answers a product read in a few ms. */
export const COMMAND_TIMEOUT_MS = 250;
const MAX_RECONNECT_DELAY_MS = 2_000;

export interface RedisSettings {
  readonly REDIS_URL: string;
  readonly REDIS_KEY_PREFIX: string;
}

export function redisOptions(settings: RedisSettings) {
  const tls = new URL(settings.REDIS_URL).protocol === "rediss:";
  return {
    keyPrefix: settings.REDIS_KEY_PREFIX,
    ...(tls ? { tls: { rejectUnauthorized: false } } : {}),
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt: number) => Math.min(100 * attempt, MAX_RECONNECT_DELAY_MS),
    // RESP2: every Redis that Heroku runs speaks it; RESP3 buys this app nothing.
    protocol: 2 as const,
  };
}

/**
 * Connects in the background. Outages are logged once when they start and
 * once when they end, not on every reconnect attempt.
 */
export function createRedis(settings: RedisSettings, logger: Logger): Redis {
  const redis = new Redis(settings.REDIS_URL, redisOptions(settings));
  let down = false;
  redis.on("error", (error: Error) => {
    if (down) return;
    down = true;
    logger.warn({ err: { message: error.message, code: (error as { code?: unknown }).code } }, "redis unavailable: serving without the cache");
  });
  redis.on("ready", () => {
    if (down) logger.info("redis reachable again");
    down = false;
  });
  return redis;
}

/** Closes the connection politely when it is up, at once when it is not. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === "ready") {
    await Promise.race([redis.quit().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, CONNECT_TIMEOUT_MS).unref())]);
  }
  redis.disconnect();
}
