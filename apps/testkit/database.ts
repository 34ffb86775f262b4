/**
 * A database of its own for each test file (or bench run) on the machine's
 * Postgres, dropped when it is done. The server is shared with other suites:
 * only what was created here is ever dropped.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

/** The server tests use; DATABASE_URL names it (any database on it works as the admin connection). */
export const SERVER_URL = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  readonly name: string;
  /** URL of the new database as the server's admin user. */
  readonly url: string;
  /** URL of the new database as another role (no password needed: the test server trusts local connections). */
  urlAs(role: string, password?: string): string;
  /** Runs SQL as the admin user in the new database. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** search_path of `query`'s connections, e.g. `steam_reviews,public`. @default the server's */
  readonly searchPath?: string;
}

/** `SERVER_URL` pointed at another database, optionally as another user. */
export function databaseUrl(database: string, user?: string, password?: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  if (user !== undefined) url.username = user;
  if (password !== undefined) url.password = password;
  return url.toString();
}

/** Runs SQL on the server's admin connection (CREATE/DROP DATABASE, roles). */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates `<namePrefix>_<random>`, e.g. `createTestDatabase("euterpe_test_oauth")`. */
export async function createTestDatabase(namePrefix: string, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const name = `${namePrefix}_${randomBytes(4).toString("hex")}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = databaseUrl(name);
  const pool = new pg.Pool({ connectionString: url, max: 2, ...(options.searchPath !== undefined ? { options: `-c search_path=${options.searchPath}` } : {}) });
  // DROP DATABASE … WITH (FORCE) may end a connection the pool is still closing: its 57P01 is expected, not a failure.
  pool.on("error", () => undefined);
  return {
    name,
    url,
    urlAs: (role, password) => databaseUrl(name, role, password),
    query: (sql, values) => pool.query(sql, values),
    async drop() {
      await pool.end();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
