/** threads-api's Postgres pool: the shared settings (own schema only, TLS off this machine), named for the app. */
import type pg from "pg";
import type { Env } from "./env.js";
import { createPool as createSharedPool } from "./shared/postgres.js";

export const APPLICATION_NAME = "threads-api";

/** An API request waits at most this long for a connection before it answers 503 with Retry-After. */
export const WEB_CONNECTION_TIMEOUT_MS = 2_000;

export interface AppPoolOptions {
  /** How long a query waits for a connection. @default the shared 5 s (jobs can wait) */
  readonly connectionTimeoutMs?: number;
}

export function createPool(
  settings: Pick<Env, "DATABASE_URL" | "DATABASE_SCHEMA" | "PG_POOL_MAX">,
  onIdleError: (error: Error) => void,
  options: AppPoolOptions = {},
): pg.Pool {
  return createSharedPool(settings, { applicationName: APPLICATION_NAME, onIdleError, ...options });
}
