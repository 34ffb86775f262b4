/**
 * Requests per client per minute, counted in each dyno's memory: euterpe
 * runs few dynos and has no Redis, so a client may get up to (dynos × limit)
 * across the app — a brake on runaway clients and scrapers, not an exact
 * quota. A signed-in user is counted by user id (their cookie is encrypted,
 * so they cannot pose as another); anyone else by the address Heroku's
 * router reports. Routes opt out with `config: { rateLimit: false }`.
 */
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { sessionUserId } from "./session.js";
import { HttpProblem } from "./shared/web/errors.js";

/** Most clients tracked at once per dyno. */
const TRACKED_CLIENTS = 10_000;

export function rateLimitKey(request: FastifyRequest): string {
  const userId = sessionUserId(request);
  return userId ? `user:${userId}` : `address:${request.ip}`;
}

/** Registers before the routes, after the session (the key reads it). */
export async function registerRateLimit(app: FastifyInstance, perMinute: number): Promise<void> {
  await app.register(rateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    cache: TRACKED_CLIENTS,
    keyGenerator: rateLimitKey,
    errorResponseBuilder: (_request, context) => {
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new HttpProblem(429, "rate_limited", `Too many requests. Please wait ${seconds} s and try again.`, seconds);
    },
  });
}
