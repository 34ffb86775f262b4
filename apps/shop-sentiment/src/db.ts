/**
 * shop-sentiment's Postgres pool (the shared settings: own schema only, TLS
 * off this machine) and the one transaction helper every write goes through.
 */
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

/** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
