/**
 * Write limits per client, counted in Redis so every dyno shares one budget:
 * RATE_LIMIT_WRITES_PER_MINUTE writes (all write routes together) per client
 * in a fixed one-minute window, then 429 with Retry-After. A client is its API
 * key when it presents a valid one, else its address as Heroku's router saw it.
 *
 * When Redis is down or slow the count falls back to this process's memory
 * (the same limit per dyno), so a Redis outage neither turns writes into
 * errors nor lifts the limit.
 */
import rateLimit, { type FastifyRateLimitStore, type RateLimitOptions } from "@fastify/rate-limit";
import LocalStore from "@fastify/rate-limit/store/LocalStore.js";
import RedisStore from "@fastify/rate-limit/store/RedisStore.js";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Logger } from "pino";
import type { Redis } from "./redis.js";
import { HttpProblem } from "./shared/web/errors.js";

export const WINDOW_MS = 60_000;
const KEY_SPACE = "rate-limit:writes:";
/** Clients one process remembers while it counts in memory. */
const LOCAL_CLIENTS = 10_000;

type Callback = Parameters<FastifyRateLimitStore["incr"]>[1];

/** Counts in Redis; in memory whenever Redis is not there to answer. */
export function fallbackStore(redis: Redis, logger: Logger): new () => FastifyRateLimitStore {
  const shared = new RedisStore(false, false, redis, KEY_SPACE);
  const local = new LocalStore(false, false, LOCAL_CLIENTS);
  let counting: "redis" | "memory" = "redis";
  const switchTo = (where: "redis" | "memory", error?: Error) => {
    if (where === counting) return;
    counting = where;
    if (where === "memory") logger.warn({ err: error ? { message: error.message } : undefined }, "rate limits counted in memory until Redis answers");
    else logger.info("rate limits counted in Redis again");
  };

  return class FallbackStore implements FastifyRateLimitStore {
    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      if (redis.status !== "ready") {
        switchTo("memory");
        local.incr(key, callback, timeWindow, max);
        return;
      }
      shared.incr(
        key,
        (error, result) => {
          if (error) {
            switchTo("memory", error);
            local.incr(key, callback, timeWindow, max);
          } else {
            switchTo("redis");
            callback(null, result);
          }
        },
        timeWindow,
        max,
      );
    }

    /** One budget for every write route: the same store, whatever the route. */
    child(): FastifyRateLimitStore {
      return this;
    }
  };
}

/**
 * The client: its API key when it presents a valid one, else its address as
 * Heroku's router saw it (`request.ip`: the shared server trusts exactly that
 * one hop of X-Forwarded-For, so the entries a client adds cannot forge it).
 */
export function clientKey(request: FastifyRequest): string {
  return request.apiClient !== undefined ? `key:${request.apiClient}` : `ip:${request.ip}`;
}

export interface WriteLimitOptions {
  readonly redis: Redis;
  readonly logger: Logger;
  readonly writesPerMinute: number;
}

/** Registers the limiter; routes opt in with `config: { rateLimit: writeLimit(...) }`. */
export async function registerWriteLimits(server: FastifyInstance, options: WriteLimitOptions): Promise<void> {
  await server.register(rateLimit, {
    global: false,
    store: fallbackStore(options.redis, options.logger),
    keyGenerator: clientKey,
    errorResponseBuilder: (_request, context) =>
      new HttpProblem(
        429,
        "rate_limited",
        `Too many writes: at most ${context.max} a minute per client. Try again in ${Math.max(1, Math.ceil(context.ttl / 1000))} s.`,
        context.ttl / 1000,
      ),
  });
}

export function writeLimit(writesPerMinute: number): RateLimitOptions {
  return { max: writesPerMinute, timeWindow: WINDOW_MS };
}
