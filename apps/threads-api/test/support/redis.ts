/**
 * Each test file gets its own Redis key prefix on the machine's Redis and
 * deletes exactly its own keys afterwards (the server is shared: never FLUSHALL).
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

export const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";

export interface TestRedis {
  /** Ends with ":" like REDIS_KEY_PREFIX. */
  readonly prefix: string;
  /** A client without a prefix, to look at keys as stored. */
  readonly raw: Redis;
  /** Every stored key under the prefix, sorted. */
  keys(): Promise<string[]>;
  close(): Promise<void>;
}

export async function createTestRedis(label: string): Promise<TestRedis> {
  const prefix = `threads-api-test:${label}:${randomBytes(4).toString("hex")}:`;
  const raw = new Redis(REDIS_URL, { lazyConnect: false });
  const keys = async () => {
    const found: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await raw.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      found.push(...batch);
    } while (cursor !== "0");
    return found.sort();
  };
  return {
    prefix,
    raw,
    keys,
    async close() {
      const all = await keys();
      if (all.length > 0) await raw.unlink(...all);
      await raw.quit();
    },
  };
}
