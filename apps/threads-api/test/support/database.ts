/**
 * Each test file gets a database of its own on the machine's Postgres,
 * dropped when the file is done.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

/** The server tests use; DATABASE_URL names it (any database on it works as the admin connection). */
export const SERVER_URL = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  readonly name: string;
  /** URL of the new database as the server's admin user. */
  readonly url: string;
  /** URL of the new database as another role (no password: the test server trusts local connections). */
  urlAs(role: string, password?: string): string;
  /** Runs SQL as the admin user in the new database. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  drop(): Promise<void>;
}

function withDatabase(serverUrl: string, database: string, user?: string, password?: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  if (user !== undefined) url.username = user;
  if (password !== undefined) url.password = password;
  return url.toString();
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `threads_api_test_${label}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(SERVER_URL, name);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  return {
    name,
    url,
    urlAs: (role, password) => withDatabase(SERVER_URL, name, role, password),
    query: (sql, values) => pool.query(sql, values),
    async drop() {
      await pool.end();
      const client = new pg.Client({ connectionString: SERVER_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
