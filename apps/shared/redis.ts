/**
 * The app's Redis connection (ioredis): every key under REDIS_KEY_PREFIX, and
 * TLS when the URL says rediss:// without verifying the chain (Heroku Redis
 * presents a self-signed certificate). How patient the client is (timeouts,
 * retries, the offline queue) is each process's own choice: a web request
 * cannot wait for Redis the way a job can.
 */
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "pino";

export type { Redis, RedisOptions } from "ioredis";

export interface RedisSettings {
  /** `redis://` or `rediss://`, as Heroku gives it. */
  readonly REDIS_URL: string;
  /** Every key the app writes starts with it (ioredis's keyPrefix). */
  readonly REDIS_KEY_PREFIX: string;
}

/** The options every connection of the app has: its key prefix and, for rediss://, TLS that accepts a self-signed certificate. */
export function connectionOptions(settings: RedisSettings): RedisOptions {
  const tls = new URL(settings.REDIS_URL).protocol === "rediss:";
  return { keyPrefix: settings.REDIS_KEY_PREFIX, ...(tls ? { tls: { rejectUnauthorized: false } } : {}) };
}

/** Connects in the background; `options` (timeouts, retries, name) come on top of the prefix and TLS. */
export function createRedis(settings: RedisSettings, options: RedisOptions = {}): Redis {
  return new Redis(settings.REDIS_URL, { ...connectionOptions(settings), ...options });
}

/** Logs an outage once when it starts and once when it ends, not on every reconnect attempt. */
export function logOutages(redis: Redis, logger: Logger, messages: { readonly down: string; readonly back: string }): void {
  let down = false;
  redis.on("error", (error: Error) => {
    if (down) return;
    down = true;
    logger.warn({ err: { message: error.message, code: (error as { code?: unknown }).code } }, messages.down);
  });
  redis.on("ready", () => {
    if (down) logger.info(messages.back);
    down = false;
  });
}

/** Closes the connection politely when it is up (waiting at most `waitMs`), at once when it is not. */
export async function closeRedis(redis: Redis, waitMs = 1_000): Promise<void> {
  if (redis.status === "ready") {
    await Promise.race([redis.quit().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
  }
  redis.disconnect();
}
