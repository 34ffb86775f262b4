/**
 * One connection per process, on the shared connection options (every key under
 * REDIS_KEY_PREFIX, TLS for rediss://); beneath the prefix the app keeps its
 * areas apart: the cache (every entry with a TTL, because the instance runs
 * `noeviction` to keep the queue safe), the work queue, rate-limit counters
 * and job metrics. An outage is logged once when it starts and once when it ends.
 */
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { connectionOptions, logOutages, type RedisSettings } from "./shared/redis.js";

export type { Redis } from "ioredis";
export { closeRedis } from "./shared/redis.js";

/** Sub-prefixes under REDIS_KEY_PREFIX. */
export const REDIS_AREAS = {
  cache: "cache:",
  queue: "queue:",
  rateLimit: "ratelimit:",
  metrics: "metrics:",
} as const;

export interface RedisOptions {
  /** Name shown in CLIENT LIST. */
  readonly connectionName: string;
  /** Commands fail at once while disconnected instead of queueing (web requests); jobs may wait. @default true */
  readonly failFast?: boolean;
}

export function createRedis(env: RedisSettings, logger: Logger, options: RedisOptions): Redis {
  const failFast = options.failFast ?? true;
  const redis = new Redis(env.REDIS_URL, {
    ...connectionOptions(env),
    connectionName: options.connectionName,
    connectTimeout: 5_000,
    maxRetriesPerRequest: failFast ? 1 : 20,
    enableOfflineQueue: true,
    lazyConnect: false,
  });
  logOutages(redis, logger, { down: "redis connection error", back: "redis reachable again" });
  return redis;
}
