/**
 * Redis for tests: the machine's server (REDIS_URL), shared with other
 * suites, so each test file works under a key prefix of its own and deletes
 * exactly its own keys afterwards (never FLUSHALL); and a TCP proxy in front
 * of it that a test can stop, restart or stall to play an outage.
 */
import { randomBytes } from "node:crypto";
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";

export const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";

/** `<namePrefix>:<random>:`, e.g. `testKeyPrefix("shop-sentiment-test:cache")`: a prefix nothing else uses, ending in ":" like REDIS_KEY_PREFIX. */
export function testKeyPrefix(namePrefix: string): string {
  return `${namePrefix}:${randomBytes(4).toString("hex")}:`;
}

/** A client without a key prefix, for looking at keys as stored. */
export function rawRedis(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 1, protocol: 2 });
}

/** Every stored key under `prefix`, sorted (SCAN patterns ignore keyPrefix, so the prefix is spelled out). */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`, "COUNT", 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== "0");
  return found.sort();
}

export async function deleteKeysUnder(prefix: string): Promise<void> {
  const redis = rawRedis();
  try {
    const keys = await keysUnder(redis, prefix);
    if (keys.length > 0) await redis.unlink(...keys);
  } finally {
    redis.disconnect();
  }
}

/** A test file's prefix and a client to look under it. */
export interface TestRedis {
  /** Ends with ":" like REDIS_KEY_PREFIX. */
  readonly prefix: string;
  /** A client without a prefix, to look at keys as stored. */
  readonly raw: Redis;
  /** Every stored key under the prefix, sorted. */
  keys(): Promise<string[]>;
  /** Deletes every key under the prefix and disconnects. */
  close(): Promise<void>;
}

export async function createTestRedis(namePrefix: string): Promise<TestRedis> {
  const prefix = testKeyPrefix(namePrefix);
  const raw = rawRedis();
  const keys = () => keysUnder(raw, prefix);
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

/**
 * A TCP proxy to the machine's Redis: `stop()` drops every connection and
 * refuses new ones (Redis "down"), `start()` listens again on the same port,
 * `stall()` keeps connections open but forwards nothing (Redis "hung").
 */
export class RedisProxy {
  readonly #target: URL;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #port = 0;
  #stalled = false;

  private constructor(target: string) {
    this.#target = new URL(target);
  }

  static async start(target = REDIS_URL): Promise<RedisProxy> {
    const proxy = new RedisProxy(target);
    await proxy.start();
    return proxy;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.#port}`;
  }

  async start(): Promise<void> {
    this.#stalled = false;
    const server = createServer((client) => this.#forward(client));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.#port, "127.0.0.1", resolve);
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  /** Connections stay open; nothing goes through in either direction. */
  stall(): void {
    this.#stalled = true;
  }

  #forward(client: Socket): void {
    const upstream = connect(Number(this.#target.port || 6379), this.#target.hostname);
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("data", (chunk) => {
      if (!this.#stalled) upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      if (!this.#stalled) client.write(chunk);
    });
  }
}
