/** shop-sentiment's Postgres pool: the shared settings (own schema only, TLS off this machine), named for the app. */
import type pg from "pg";
import type { Env } from "./env.js";
import { createPool as createSharedPool } from "./shared/postgres.js";

export const APPLICATION_NAME = "shop-sentiment";

/**
 * How long a web request waits for a database connection (a new one, or a
 * free one of the busy pool) before it answers 503 with Retry-After: a person
 * meets the outage page quickly instead of a hung request.
 */
export const WEB_CONNECTION_TIMEOUT_MS = 2_000;

export function createPool(settings: Pick<Env, "DATABASE_URL" | "DATABASE_SCHEMA" | "PG_POOL_MAX">, onIdleError: (error: Error) => void): pg.Pool {
  return createSharedPool(settings, { applicationName: APPLICATION_NAME, onIdleError, connectionTimeoutMs: WEB_CONNECTION_TIMEOUT_MS });
}
