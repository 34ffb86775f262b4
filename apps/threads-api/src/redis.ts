/**
 * One ioredis connection per process. Every key starts with REDIS_KEY_PREFIX
 * (ioredis's keyPrefix); beneath it the app keeps its areas apart: the cache
 * (every entry with a TTL, because the instance runs `noeviction` to keep the
 * queue safe), the work queue, rate-limit counters and job metrics.
 */
import { Redis } from "ioredis";
import type { Env } from "./env.js";

export type { Redis } from "ioredis";

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

export function createRedis(env: Pick<Env, "REDIS_URL" | "REDIS_KEY_PREFIX">, options: RedisOptions): Redis {
  const url = new URL(env.REDIS_URL);
  const failFast = options.failFast ?? true;
  return new Redis(env.REDIS_URL, {
    keyPrefix: env.REDIS_KEY_PREFIX,
    connectionName: options.connectionName,
    // Heroku Redis presents a self-signed certificate on rediss://.
    ...(url.protocol === "rediss:" ? { tls: { rejectUnauthorized: false } } : {}),
    connectTimeout: 5_000,
    maxRetriesPerRequest: failFast ? 1 : 20,
    enableOfflineQueue: true,
    lazyConnect: false,
  });
}

/** Keys as Redis stores them (with the prefix), for SCAN patterns: ioredis does not prefix those. */
export function storedKey(env: Pick<Env, "REDIS_KEY_PREFIX">, key: string): string {
  return `${env.REDIS_KEY_PREFIX}${key}`;
}
