/**
 * Account deletion (GDPR): the user's row goes, and with it, through
 * ON DELETE CASCADE, their Threads token, refresh tokens, posts and replies;
 * their cache entries and rate-limit counter go from Redis. Redis failing
 * here is logged, not fatal: those keys expire on their own.
 */
import type { FastifyBaseLogger } from "fastify";
import { REDIS_AREAS, type Redis } from "../redis.js";
import type { ReadCache } from "./cache.js";
import type { UserRepository } from "./users.js";

export interface ForgetUserDependencies {
  readonly users: UserRepository;
  readonly cache: ReadCache;
  readonly redis: Redis;
}

/** Deletes every trace of the user; false when there was no such user. */
export async function forgetUser(deps: ForgetUserDependencies, userId: string, log: FastifyBaseLogger): Promise<boolean> {
  const deleted = await deps.users.delete(userId);
  try {
    await deps.cache.forgetUser(userId);
    await deps.redis.unlink(`${REDIS_AREAS.rateLimit}user:${userId}`);
  } catch (error) {
    log.warn({ err: error, userId }, "account deleted, but its Redis keys could not be dropped (they expire)");
  }
  return deleted;
}
