/**
 * Redis for tests: the machine's server (REDIS_URL), a key prefix per test
 * file whose keys are deleted afterwards (never anything else), and a TCP
 * proxy in front of it that a test can stop, restart or stall to play an
 * outage without touching the shared server.
 */
import { randomBytes } from "node:crypto";
import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";

export const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A prefix no other test file or app uses. */
export function testKeyPrefix(label: string): string {
  return `shop-sentiment-test:${label}:${randomBytes(4).toString("hex")}:`;
}

/** A client without a prefix, for looking at what the app stored. */
export function rawRedis(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: 1, protocol: 2 });
}

/** Every key under `prefix` (SCAN patterns ignore keyPrefix, so the prefix is spelled out). */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix.replace(/[*?[\]\\]/g, "\\$&")}*`, "COUNT", 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== "0");
  return found;
}

export async function deleteKeysUnder(prefix: string): Promise<void> {
  const redis = rawRedis();
  try {
    const keys = await keysUnder(redis, prefix);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
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
