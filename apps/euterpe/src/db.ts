/** euterpe's Postgres pool: the shared settings (own schema only, TLS off this machine), named for the app. */
import type pg from "pg";
import { APP_NAME, type Env } from "./env.js";
import { connectionConfig as sharedConnectionConfig, createPool as createSharedPool, type DatabaseSettings } from "./shared/postgres.js";

/** Shown in pg_stat_activity. */
export const APPLICATION_NAME = APP_NAME;

/** A page waits at most this long for a database connection before the person sees the outage page (503). */
export const CONNECTION_TIMEOUT_MS = 2_000;

export function connectionConfig(settings: DatabaseSettings): pg.ClientConfig {
  return sharedConnectionConfig(settings, APPLICATION_NAME);
}

export function createPool(settings: Pick<Env, "DATABASE_URL" | "DATABASE_SCHEMA" | "PG_POOL_MAX">, onIdleError: (error: Error) => void): pg.Pool {
  return createSharedPool(settings, { applicationName: APPLICATION_NAME, onIdleError, connectionTimeoutMs: CONNECTION_TIMEOUT_MS });
}
