/**
 * The Procfile's release process: validates the environment, applies pending
 * migrations, exits non-zero on any failure so Heroku keeps the old release.
 */
import { APPLICATION_NAME } from "./db.js";
import { loadEnv } from "./env.js";
import { APP_NAME, createLogger } from "./logger.js";
import { MIGRATIONS_DIR } from "./migrator.js";
import { exitOnInvalidEnv } from "./shared/boot.js";
import { releasePhase } from "./shared/migrations.js";

const env = exitOnInvalidEnv(APP_NAME, () => loadEnv(process.env));
await releasePhase(env, { dir: MIGRATIONS_DIR, logger: createLogger(env.LOG_LEVEL, { env: env.APP_ENV, dyno: env.DYNO }), applicationName: APPLICATION_NAME });
