/**
 * Postgres connections: one pool per process, every connection confined to
 * the app's schema, TLS to any host that is not this machine.
 */
import pg from "pg";
import type { Env } from "./env.js";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/** URL parameters that would override the `ssl` object (sslmode=require turns on full certificate checks). */
const TLS_URL_PARAMETERS = ["ssl", "sslmode", "sslcert", "sslkey", "sslrootcert", "uselibpqcompat"];

export type DatabaseSettings = Pick<Env, "DATABASE_URL" | "DATABASE_SCHEMA" | "PG_POOL_MAX">;

/**
 * Connection settings for `pg` from Heroku's `DATABASE_URL` (`postgres://` or
 * `postgresql://`). Heroku's certificates are self-signed, so TLS is on for
 * remote hosts but the chain is not verified.
 */
export function connectionConfig(settings: Pick<DatabaseSettings, "DATABASE_URL" | "DATABASE_SCHEMA">): pg.ClientConfig {
  const url = new URL(settings.DATABASE_URL);
  for (const parameter of TLS_URL_PARAMETERS) url.searchParams.delete(parameter);
  const isLocal = LOCAL_HOSTS.has(url.hostname);
  return {
    connectionString: url.toString(),
    ssl: isLocal ? false : { rejectUnauthorized: false },
    // Set at connection start-up, so no query ever runs with another search_path.
    options: `-c search_path=${settings.DATABASE_SCHEMA}`,
    application_name: "euterpe",
    connectionTimeoutMillis: 5_000,
  };
}

export function createPool(settings: DatabaseSettings, onIdleError: (error: Error) => void): pg.Pool {
  const pool = new pg.Pool({
    ...connectionConfig(settings),
    max: settings.PG_POOL_MAX,
    idleTimeoutMillis: 30_000,
    // A stuck query must not hold one of the few connections of a shared database for long.
    statement_timeout: 15_000,
  });
  // An idle client losing its connection must not crash the process.
  pool.on("error", onIdleError);
  return pool;
}

export class DeadlineExceeded extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
    this.name = "DeadlineExceeded";
  }
}

/** Rejects with DeadlineExceeded when the promise takes longer than `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(what, ms)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
