/**
 * Runs an app's SQL migrations with node-pg-migrate, keeping the app's tables
 * and the migrations table in the app's own schema — never `public`.
 */
import pg from "pg";
import { runner } from "node-pg-migrate";
import type { Logger } from "pino";
import { connectionConfig, type DatabaseSettings } from "./postgres.js";

export const MIGRATIONS_TABLE = "pgmigrations";

export interface MigrationResult {
  /** Names of the migrations this run applied (empty when the schema was up to date). */
  readonly applied: readonly string[];
  /** Whether this run created the schema. */
  readonly createdSchema: boolean;
}

export interface MigrationOptions {
  /** Folder of the migration files. */
  readonly dir: string;
  readonly logger: Logger;
  /** Shown in pg_stat_activity. */
  readonly applicationName: string;
  /** `down` undoes the last `count` migrations. @default "up" */
  readonly direction?: "up" | "down";
  /** How many migrations to apply or undo. @default all (up), 1 (down) */
  readonly count?: number;
}

async function schemaExists(client: pg.Client, schema: string): Promise<boolean> {
  const result = await client.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
  return result.rowCount === 1;
}

/**
 * Applies pending migrations in one transaction. Safe to run again and again
 * (Heroku runs the release phase on every config change).
 */
export async function runMigrations(settings: DatabaseSettings, options: MigrationOptions): Promise<MigrationResult> {
  const schema = settings.DATABASE_SCHEMA;
  const { logger } = options;
  const client = new pg.Client(connectionConfig(settings, options.applicationName));
  await client.connect();
  try {
    // CREATE SCHEMA IF NOT EXISTS checks the database-level CREATE privilege
    // before it looks for the schema, so a role confined to an existing schema
    // would fail on it: ask for the schema only when it is missing.
    const createdSchema = !(await schemaExists(client, schema));
    const direction = options.direction ?? "up";
    const applied = await runner({
      dbClient: client,
      dir: options.dir,
      schema,
      createSchema: createdSchema,
      migrationsSchema: schema,
      createMigrationsSchema: createdSchema,
      migrationsTable: MIGRATIONS_TABLE,
      direction,
      ...(options.count !== undefined ? { count: options.count } : direction === "down" ? { count: 1 } : {}),
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

/**
 * The Procfile's `release` process: applies pending migrations and sets a
 * non-zero exit code on any failure, so Heroku keeps the previous release.
 */
export async function releasePhase(settings: DatabaseSettings, options: MigrationOptions): Promise<void> {
  try {
    const { applied, createdSchema } = await runMigrations(settings, options);
    options.logger.info({ schema: settings.DATABASE_SCHEMA, applied, createdSchema }, applied.length > 0 ? "migrations applied" : "schema up to date");
    process.exitCode = 0;
  } catch (error) {
    options.logger.fatal({ err: error, schema: settings.DATABASE_SCHEMA }, "migration failed; this release stops here");
    process.exitCode = 1;
  }
}
