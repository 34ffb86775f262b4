/** steam-reviews' migrations: the SQL files in migrations/, run by the shared runner in the app's schema. */
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import { APPLICATION_NAME } from "./db.js";
import { runMigrations as runSharedMigrations, type MigrationResult } from "./shared/migrations.js";
import type { DatabaseSettings } from "./shared/postgres.js";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../migrations", import.meta.url));

export function runMigrations(settings: DatabaseSettings, logger: Logger): Promise<MigrationResult> {
  return runSharedMigrations(settings, { dir: MIGRATIONS_DIR, logger, applicationName: APPLICATION_NAME });
}
