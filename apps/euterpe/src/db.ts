/** euterpe's Postgres pool: the shared settings (own schema only, TLS off this machine), named for the app. */
import type pg from "pg";
import type { Env } from "./env.js";
import { connectionConfig as sharedConnectionConfig, createPool as createSharedPool, type DatabaseSettings } from "./shared/postgres.js";

export { DeadlineExceeded, withTimeout } from "./shared/postgres.js";

export const APPLICATION_NAME = "euterpe";

export function connectionConfig(settings: DatabaseSettings): pg.ClientConfig {
  return sharedConnectionConfig(settings, APPLICATION_NAME);
}

export function createPool(settings: Pick<Env, "DATABASE_URL" | "DATABASE_SCHEMA" | "PG_POOL_MAX">, onIdleError: (error: Error) => void): pg.Pool {
  return createSharedPool(settings, { applicationName: APPLICATION_NAME, onIdleError });
}
