/**
 * A read-through cache in Redis whose entries are stamped with generations.
 *
 * Each entry names the generation keys it depends on (`product:<id>`,
 * `products`, and the global epoch). A read fetches the entry and the current
 * generations in one MGET and serves the entry only when its stamp matches.
 * A write sets each affected generation to a fresh random token after its
 * transaction commits, so every entry stamped before that write stops
 * matching at once — including one that a concurrent reader is about to store
 * with data it read before the commit (that reader stamped it with the old
 * token). Tokens never repeat, so an evicted or expired generation key can
 * only cause misses, never revive a stale entry.
 *
 * Redis is optional: when it is down or slow the cache answers "off" and the
 * caller reads the database. A write that could not bump its generations, or a
 * lost connection, leaves the cache untrusted until Redis answers again and
 * the epoch has been renewed (which retires every entry at once).
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { z } from "zod";
import type { Redis } from "./redis.js";

export type CacheOutcome = "hit" | "miss" | "off";

export interface Cached<T> {
  readonly value: T;
  readonly outcome: CacheOutcome;
}

export interface CacheEntry {
  /** Where the value lives, under the app's key prefix. */
  readonly key: string;
  /** Generation names the value depends on (without the `cache:gen:` part). */
  readonly generations: readonly string[];
}

const KEY_SPACE = "cache:";
const GENERATION_SPACE = `${KEY_SPACE}gen:`;
const EPOCH = `${GENERATION_SPACE}epoch`;
/** Generation keys outlive entries; when one goes anyway, its entries just miss. */
const GENERATION_TTL_SECONDS = 86_400;
/** How often an untrusted cache tries to renew the epoch. */
const RECOVERY_INTERVAL_MS = 1_000;
/** Stands for a generation key that does not exist. */
const ABSENT = "-";

interface StoredEntry {
  readonly stamp: readonly string[];
  readonly value: unknown;
}

export class ReadThroughCache {
  readonly #redis: Redis;
  readonly #ttlSeconds: number;
  readonly #logger: Logger;
  #trusted = true;
  #everConnected = false;
  #nextRecoveryAt = 0;
  #recovery: Promise<void> | undefined;

  constructor(redis: Redis, options: { readonly ttlSeconds: number; readonly logger: Logger }) {
    this.#redis = redis;
    this.#ttlSeconds = options.ttlSeconds;
    this.#logger = options.logger;
    if (redis.status === "ready") this.#everConnected = true;
    redis.on("ready", () => {
      this.#everConnected = true;
      // Back: renew the epoch now rather than on the next request, so every dyno stops serving stale entries at once.
      if (!this.#trusted) {
        this.#nextRecoveryAt = 0;
        void this.#usable();
      }
    });
    // Invalidations may have been missed while away, by this process or by a
    // restored Redis. (`reconnecting`, not `close`: a deliberate quit does not reconnect.)
    redis.on("reconnecting", () => {
      if (this.#everConnected) this.#distrust("connection lost");
    });
  }

  /** The stored key of an entry (for tests and diagnostics). */
  static keyOf(entry: CacheEntry): string {
    return `${KEY_SPACE}${entry.key}`;
  }

  /** The value from the cache when its stamp is current, else from `load` (and stored). */
  async read<T>(entry: CacheEntry, schema: z.ZodType<T>, load: () => Promise<T>): Promise<Cached<T>> {
    if (!(await this.#usable())) return { value: await load(), outcome: "off" };
    const generationKeys = [EPOCH, ...entry.generations.map((name) => `${GENERATION_SPACE}${name}`)];
    let stamp: string[];
    try {
      const found = await this.#redis.mget(...generationKeys, ReadThroughCache.keyOf(entry));
      stamp = found.slice(0, -1).map((token) => token ?? ABSENT);
      const hit = decode(found.at(-1) ?? null, stamp, schema);
      if (hit.found) return { value: hit.value, outcome: "hit" };
    } catch (error) {
      this.#distrust("read failed", error);
      return { value: await load(), outcome: "off" };
    }
    const value = await load();
    try {
      const stored: StoredEntry = { stamp, value };
      await this.#redis.set(ReadThroughCache.keyOf(entry), JSON.stringify(stored), "EX", this.#ttlSeconds);
    } catch (error) {
      this.#distrust("write failed", error);
    }
    return { value, outcome: "miss" };
  }

  /** Retires every entry stamped with these generations. Call after the write has committed. */
  async invalidate(generations: readonly string[]): Promise<void> {
    // Even an untrusted process retires what it wrote: other dynos may be serving from Redis.
    if (this.#redis.status !== "ready") {
      this.#distrust("invalidation missed: not connected");
      return;
    }
    try {
      const pipeline = this.#redis.pipeline();
      for (const name of generations) pipeline.set(`${GENERATION_SPACE}${name}`, newToken(), "EX", GENERATION_TTL_SECONDS);
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([error]) => error !== null);
      if (failed) throw failed[0];
    } catch (error) {
      this.#distrust("invalidation failed", error);
      return;
    }
    // A process that missed invalidations renews the epoch as soon as Redis answers, whether it serves reads or not.
    if (!this.#trusted) await this.#usable();
  }

  /**
   * Retires every entry at once by renewing the epoch: after a database
   * restore, or whenever the cache may hold what the database no longer does.
   */
  async retireAll(): Promise<void> {
    await this.#redis.set(EPOCH, newToken());
  }

  async #usable(): Promise<boolean> {
    if (this.#redis.status !== "ready") return false;
    if (this.#trusted) return true;
    if (this.#recovery === undefined && Date.now() >= this.#nextRecoveryAt) {
      this.#nextRecoveryAt = Date.now() + RECOVERY_INTERVAL_MS;
      this.#recovery = this.#renewEpoch().finally(() => {
        this.#recovery = undefined;
      });
    }
    if (this.#recovery !== undefined) await this.#recovery;
    return this.#trusted;
  }

  async #renewEpoch(): Promise<void> {
    try {
      await this.retireAll();
      this.#trusted = true;
      this.#logger.info("cache trusted again: every entry written before the outage is retired");
    } catch (error) {
      this.#distrust("epoch renewal failed", error);
    }
  }

  #distrust(reason: string, error?: unknown): void {
    if (this.#trusted) {
      const detail = error instanceof Error ? { message: error.message } : undefined;
      this.#logger.warn({ reason, ...(detail ? { err: detail } : {}) }, "cache untrusted: reading from the database until Redis answers again");
    }
    this.#trusted = false;
    this.#nextRecoveryAt = Math.max(this.#nextRecoveryAt, Date.now() + RECOVERY_INTERVAL_MS);
  }
}

function newToken(): string {
  return randomBytes(9).toString("base64url");
}

/** Parses a stored entry; a stale stamp or a shape that no longer fits the schema is a miss. */
function decode<T>(raw: string | null, stamp: readonly string[], schema: z.ZodType<T>): { found: true; value: T } | { found: false } {
  if (raw === null) return { found: false };
  let stored: StoredEntry;
  try {
    stored = JSON.parse(raw) as StoredEntry;
  } catch {
    return { found: false };
  }
  if (!Array.isArray(stored.stamp) || stored.stamp.length !== stamp.length || stored.stamp.some((token, index) => token !== stamp[index])) {
    return { found: false };
  }
  const parsed = schema.safeParse(stored.value);
  return parsed.success ? { found: true, value: parsed.data } : { found: false };
}
