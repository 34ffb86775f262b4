/**
 * Postgres connections: one pool per process, every connection confined to
 * the app's schema, TLS to any host that is not this machine (Heroku's
 * certificates are self-signed, so the chain is not verified); and what the
 * apps do on them beyond a query: transactions and advisory locks.
 */
import pg from "pg";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

/** URL parameters that would override the `ssl` object (sslmode=require turns on full certificate checks). */
const TLS_URL_PARAMETERS = ["ssl", "sslmode", "sslcert", "sslkey", "sslrootcert", "uselibpqcompat"];

export interface DatabaseSettings {
  /** `postgres://` or `postgresql://`, as Heroku gives it. */
  readonly DATABASE_URL: string;
  /** The app's own schema: the only one on its search_path. */
  readonly DATABASE_SCHEMA: string;
}

export interface PoolSettings extends DatabaseSettings {
  /** Connections this process may open at most (fleet's connection budget). */
  readonly PG_POOL_MAX: number;
}

/** `pg` settings for the app's database: its schema first and only, TLS off this machine. */
export function connectionConfig(settings: DatabaseSettings, applicationName: string): pg.ClientConfig {
  const url = new URL(settings.DATABASE_URL);
  for (const parameter of TLS_URL_PARAMETERS) url.searchParams.delete(parameter);
  return {
    connectionString: url.toString(),
    ssl: LOCAL_HOSTS.has(url.hostname) ? false : { rejectUnauthorized: false },
    // Set at connection start-up, so no query ever runs with another search_path.
    options: `-c search_path=${settings.DATABASE_SCHEMA}`,
    application_name: applicationName,
    connectionTimeoutMillis: 5_000,
  };
}

export interface PoolOptions {
  /** Shown in pg_stat_activity. */
  readonly applicationName: string;
  /** An idle client losing its connection must not crash the process: it is reported here. */
  readonly onIdleError: (error: Error) => void;
  /** Longest a statement may run. @default 15 s (a stuck query must not hold one of a shared database's few connections) */
  readonly statementTimeoutMs?: number;
  /**
   * Longest a query waits for a connection (a new one, or a free one of a
   * busy pool) before it fails as unavailable (503). Web processes pass a
   * short one, so a person meets an outage page quickly instead of a hung request.
   * @default 5 s
   */
  readonly connectionTimeoutMs?: number;
}

export function createPool(settings: PoolSettings, options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({
    ...connectionConfig(settings, options.applicationName),
    max: settings.PG_POOL_MAX,
    ...(options.connectionTimeoutMs !== undefined ? { connectionTimeoutMillis: options.connectionTimeoutMs } : {}),
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMs ?? 15_000,
  });
  pool.on("error", options.onIdleError);
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

/**
 * Errors that say the database is unreachable or overloaded rather than that
 * a query is wrong: callers answer 503 (try again) instead of 500.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof DeadlineExceeded) return true;
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    // Connection refused/reset/timeouts from the socket; Postgres classes 08 (connection), 53 (resources), 57P (shutdown).
    if (["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EPIPE"].includes(code)) return true;
    if (code.startsWith("08") || code.startsWith("53") || code.startsWith("57P")) return true;
  }
  const message = (error as { message?: unknown }).message;
  return typeof message === "string" && /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(message);
}

/**
 * Runs `work` in one transaction on one connection of `pool`: committed when
 * it resolves, rolled back when it throws (the error is rethrown as it is).
 */
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

export interface LockKey {
  /** `pipeline`, `backfill`: combined with the schema into the first key (the database may be shared with other apps). */
  readonly name: string;
  /** The second key (an id of the thing locked), 0 when the lock is one per schema. */
  readonly id: number;
}

export type Locked<T> = { readonly acquired: true; readonly value: T } | { readonly acquired: false };

/**
 * Runs `work` while holding a Postgres advisory lock, on a connection of its
 * own for as long as the work runs (Postgres lets go by itself if the process
 * dies; a role confined to its schema needs no privilege for it). Answers
 * `acquired: false` at once, without running `work`, when someone else holds it.
 */
export async function withAdvisoryLock<T>(config: pg.ClientConfig, schema: string, key: LockKey, work: () => Promise<T>): Promise<Locked<T>> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtext($1), $2) AS locked", [`${schema}:${key.name}`, key.id]);
    if (!rows[0]?.locked) return { acquired: false };
    try {
      return { acquired: true, value: await work() };
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext($1), $2)", [`${schema}:${key.name}`, key.id]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
