/**
 * The Procfile's release process: validates the environment, applies pending
 * migrations, exits non-zero on any failure so Heroku keeps the old release.
 */
import { loadEnv } from "./env.js";
import { createLogger } from "./logger.js";
import { runMigrations } from "./migrator.js";
import { exitOnInvalidEnv } from "./boot.js";

const env = exitOnInvalidEnv(() => loadEnv(process.env));
const logger = createLogger(env.LOG_LEVEL);

try {
  const { applied, createdSchema } = await runMigrations(env, logger);
  logger.info({ schema: env.DATABASE_SCHEMA, applied, createdSchema }, applied.length ? "migrations applied" : "schema up to date");
  process.exitCode = 0;
} catch (error) {
  logger.fatal({ err: error, schema: env.DATABASE_SCHEMA }, "migration failed; this release stops here");
  process.exitCode = 1;
}
