/**
 * Each test file gets a database of its own on the machine's Postgres,
 * with the app's migrations applied, dropped when the file is done.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createLogger } from "../../src/logger.js";
import { runMigrations } from "../../src/migrator.js";

/** The server tests use; DATABASE_URL names it (any database on it works as the admin connection). */
export const SERVER_URL = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
export const SCHEMA = "steam_reviews";

export interface TestDatabase {
  readonly name: string;
  /** URL of the new database as the server's admin user. */
  readonly url: string;
  urlAs(role: string): string;
  /** SQL as the admin user, search_path = the app's schema then public. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  drop(): Promise<void>;
}

function withDatabase(database: string, user?: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  if (user !== undefined) url.username = user;
  return url.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(label: string, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = `steam_reviews_test_${label}_${randomBytes(4).toString("hex")}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = withDatabase(name);
  if (options.migrate !== false) await runMigrations({ DATABASE_URL: url, DATABASE_SCHEMA: SCHEMA }, createLogger({ level: "silent" }));
  const pool = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${SCHEMA},public` });
  return {
    name,
    url,
    urlAs: (role) => withDatabase(name, role),
    query: (sql, values) => pool.query(sql, values),
    async drop() {
      await pool.end();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
