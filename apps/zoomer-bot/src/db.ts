/** zoomer-bot's Postgres pool: the shared settings (own schema only, TLS off this machine), named for the app. */
import type pg from "pg";
import type { Env } from "./env.js";
import { createPool as createSharedPool } from "./shared/postgres.js";

export const APPLICATION_NAME = "zoomer-bot";

export function createPool(settings: Pick<Env, "DATABASE_URL" | "DATABASE_SCHEMA" | "PG_POOL_MAX">, onIdleError: (error: Error) => void): pg.Pool {
  return createSharedPool(settings, { applicationName: APPLICATION_NAME, onIdleError });
}
