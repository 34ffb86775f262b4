/**
 * shop-sentiment's Postgres pool (the shared settings: own schema only, TLS
 * off this machine) and the one transaction helper every write goes through.
 */
import type pg from "pg";
import type { Env } from "./env.js";
import { createPool as createSharedPool } from "./shared/postgres.js";

export const APPLICATION_NAME = "shop-sentiment";

export function createPool(settings: Pick<Env, "DATABASE_URL" | "DATABASE_SCHEMA" | "PG_POOL_MAX">, onIdleError: (error: Error) => void): pg.Pool {
  return createSharedPool(settings, { applicationName: APPLICATION_NAME, onIdleError });
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
