/**
 * Runs the SQL files in migrations/ with node-pg-migrate, keeping the app's
 * tables and the migrations table in the app's schema.
 */
import { fileURLToPath } from "node:url";
import pg from "pg";
import { runner } from "node-pg-migrate";
import type { Logger } from "pino";
import { connectionConfig, type DatabaseSettings } from "./db.js";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../migrations", import.meta.url));
export const MIGRATIONS_TABLE = "pgmigrations";

export interface MigrationResult {
  /** Names of the migrations this run applied (empty when the schema was up to date). */
  readonly applied: readonly string[];
  /** Whether this run created the schema. */
  readonly createdSchema: boolean;
}

async function schemaExists(client: pg.Client, schema: string): Promise<boolean> {
  const result = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
  return result.rowCount === 1;
}

/**
 * Applies pending migrations. Safe to run again and again (Heroku runs the
 * release phase on every config change).
 */
export async function runMigrations(
  settings: Pick<DatabaseSettings, "DATABASE_URL" | "DATABASE_SCHEMA">,
  logger: Logger,
): Promise<MigrationResult> {
  const schema = settings.DATABASE_SCHEMA;
  const client = new pg.Client(connectionConfig(settings));
  await client.connect();
  try {
    // CREATE SCHEMA IF NOT EXISTS checks the database-level CREATE privilege
    // before it looks for the schema, so a role confined to an existing schema
    // would fail on it: ask for the schema only when it is missing.
    const createdSchema = !(await schemaExists(client, schema));
    const applied = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      schema,
      createSchema: createdSchema,
      migrationsSchema: schema,
      createMigrationsSchema: createdSchema,
      migrationsTable: MIGRATIONS_TABLE,
      direction: "up",
      checkOrder: true,
      singleTransaction: true,
      // Two releases against the same database (this app's and a neighbour's) queue rather than fail.
      advisoryLockMode: "wait",
      logger: {
        debug: (message) => logger.debug(message),
        info: (message) => logger.info(message),
        warn: (message) => logger.warn(message),
        error: (message) => logger.error(message),
      },
    });
    return { applied: applied.map((migration) => migration.name), createdSchema };
  } finally {
    await client.end();
  }
}
