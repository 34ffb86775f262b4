/**
 * Each test file gets a database of its own on the machine's Postgres, with
 * the app's migrations applied, dropped when the file is done.
 */
import { createTestDatabase as createDatabase, type TestDatabase } from "../kit/database.js";
import { createLogger } from "../../src/logger.js";
import { runMigrations } from "../../src/migrator.js";

export { SERVER_URL, type TestDatabase } from "../kit/database.js";
export const SCHEMA = "steam_reviews";

/** `query` runs with search_path = the app's schema then public. */
export async function createTestDatabase(label: string, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const db = await createDatabase(`steam_reviews_test_${label}`, { searchPath: `${SCHEMA},public` });
  if (options.migrate !== false) await runMigrations({ DATABASE_URL: db.url, DATABASE_SCHEMA: SCHEMA }, createLogger({ level: "silent" }));
  return db;
}
