/**
 * The read cache under `<prefix>cache:`. Every entry has a TTL (the Redis
 * instance runs `noeviction` to keep the queue safe, so nothing may pile up),
 * entries are validated when read, and a Redis failure never fails a
 * request: the caller computes the value instead.
 */
import type { FastifyBaseLogger } from "fastify";
import type { z } from "zod";
import { REDIS_AREAS, type Redis } from "../redis.js";

export const CACHE_TTL_SECONDS = 300;

export class ReadCache {
  constructor(
    private readonly redis: Redis,
    /** REDIS_KEY_PREFIX: SCAN patterns need it written out. */
    private readonly keyPrefix: string,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Keys of one user's entries: `cache:user:<id>:<name>`. */
  static userKey(userId: string, name: string): string {
    return `${REDIS_AREAS.cache}user:${userId}:${name}`;
  }

  async getOrCompute<T extends z.ZodType>(key: string, schema: T, compute: () => Promise<z.output<T>>, ttlSeconds = CACHE_TTL_SECONDS): Promise<z.output<T>> {
    try {
      const cached = await this.redis.get(key);
      if (cached !== null) {
        const parsed = schema.safeParse(JSON.parse(cached));
        if (parsed.success) return parsed.data;
      }
    } catch (error) {
      this.log.warn({ err: error }, "cache read failed; computing");
    }
    const value = await compute();
    try {
      await this.redis.set(key, JSON.stringify(value), "EX", ttlSeconds);
    } catch (error) {
      this.log.warn({ err: error }, "cache write failed");
    }
    return value;
  }

  /** Drops every entry of a user (account deletion). */
  async forgetUser(userId: string): Promise<number> {
    const pattern = `${this.keyPrefix}${ReadCache.userKey(userId, "*")}`;
    let cursor = "0";
    let removed = 0;
    do {
      const [next, keys] = await this.redis.scan(cursor, "MATCH", pattern, "COUNT", 200);
      cursor = next;
      // SCAN returns stored keys (prefixed); ioredis would prefix them again.
      const unprefixed = keys.map((key) => key.slice(this.keyPrefix.length));
      if (unprefixed.length > 0) removed += await this.redis.unlink(...unprefixed);
    } while (cursor !== "0");
    return removed;
  }
}
