/**
 * The app's Redis (an ioredis client the app creates): every key under
 * REDIS_KEY_PREFIX, and TLS when the URL says rediss:// without verifying the
 * chain (Heroku Redis presents a self-signed certificate). How patient the
 * client is (timeouts, retries, the offline queue) is each process's own
 * choice: a web request cannot wait for Redis the way a job can.
 *
 * The client is typed by what this module uses of it, not by ioredis's own
 * types, so an app without ioredis compiles this file like any other.
 */

export interface RedisSettings {
  /** `redis://` or `rediss://`, as Heroku gives it. */
  readonly REDIS_URL: string;
  /** Every key the app writes starts with it (ioredis's keyPrefix). */
  readonly REDIS_KEY_PREFIX: string;
}

/** The ioredis options every connection of the app has: its key prefix and, for rediss://, TLS that accepts a self-signed certificate. */
export function connectionOptions(settings: RedisSettings): { keyPrefix: string; tls?: { rejectUnauthorized: false } } {
  const tls = new URL(settings.REDIS_URL).protocol === "rediss:";
  return { keyPrefix: settings.REDIS_KEY_PREFIX, ...(tls ? { tls: { rejectUnauthorized: false } } : {}) };
}

/** What this module uses of an ioredis client. */
export interface RedisConnection {
  readonly status: string;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "ready", listener: () => void): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
}

/** The lines an outage is told with. */
export interface OutageMessages {
  readonly down: string;
  readonly back: string;
}

/** What logOutages writes with: a pino logger or Fastify's. */
export interface OutageLogger {
  warn(fields: object, message: string): void;
  info(message: string): void;
}

/** Logs an outage once when it starts and once when it ends, not on every reconnect attempt. */
export function logOutages(redis: RedisConnection, logger: OutageLogger, messages: OutageMessages): void {
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
export async function closeRedis(redis: RedisConnection, waitMs = 1_000): Promise<void> {
  if (redis.status === "ready") {
    await Promise.race([redis.quit().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
  }
  redis.disconnect();
}
