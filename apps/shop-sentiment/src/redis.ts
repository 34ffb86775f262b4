/**
 * shop-sentiment's Redis: the shared connection options (key prefix, TLS for rediss://)
 * with short timeouts, so a Redis that is down or stalled costs a request
 * milliseconds, never a hang: commands fail at once while disconnected (no
 * offline queue), time out after COMMAND_TIMEOUT_MS when connected but
 * silent, and the client keeps reconnecting in the background.
 */
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "pino";
import { connectionOptions, logOutages, type RedisSettings } from "./shared/redis.js";

export type { Redis } from "ioredis";
export { closeRedis, type RedisSettings } from "./shared/redis.js";

export const CONNECT_TIMEOUT_MS = 1_000;
/** A cache slower than this is worse than none: the database answers a product read in a few ms. */
export const COMMAND_TIMEOUT_MS = 250;
const MAX_RECONNECT_DELAY_MS = 2_000;

const FAIL_FAST: RedisOptions = {
  connectTimeout: CONNECT_TIMEOUT_MS,
  commandTimeout: COMMAND_TIMEOUT_MS,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  retryStrategy: (attempt: number) => Math.min(100 * attempt, MAX_RECONNECT_DELAY_MS),
  // RESP2: every Redis that Heroku runs speaks it; RESP3 buys this app nothing.
  protocol: 2,
};

/** Connects in the background; an outage is logged once when it starts and once when it ends. */
export function createRedis(settings: RedisSettings, logger: Logger): Redis {
  const redis = new Redis(settings.REDIS_URL, { ...connectionOptions(settings), ...FAIL_FAST });
  logOutages(redis, logger, { down: "redis unavailable: serving without the cache", back: "redis reachable again" });
  return redis;
}
