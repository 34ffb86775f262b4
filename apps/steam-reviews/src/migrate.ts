/**
 * The Procfile's release process: validates the environment, applies pending
 * migrations, then adds the games of STEAM_TRACKED_APP_IDS that are not
 * tracked yet. Exits non-zero when either step fails on the database, so
 * Heroku keeps the previous release; Steam not answering fails nothing.
 */
import { APPLICATION_NAME, createPool } from "./db.js";
import { loadEnv } from "./env.js";
import { createLogger } from "./logger.js";
import { MIGRATIONS_DIR } from "./migrator.js";
import { seedTrackedApps } from "./pipeline/seed-tracked-apps.js";
import { PROFILES, steamApis } from "./services.js";
import { exitOnInvalidEnv } from "./shared/boot.js";
import { releasePhase } from "./shared/migrations.js";

const env = exitOnInvalidEnv("steam-reviews", () => loadEnv(process.env));
const logger = createLogger({ level: env.LOG_LEVEL, dyno: env.DYNO });
await releasePhase(env, { dir: MIGRATIONS_DIR, logger, applicationName: APPLICATION_NAME });

const trackedIds = env.STEAM_TRACKED_APP_IDS ?? [];
if (process.exitCode === 0 && trackedIds.length > 0) {
  const pool = createPool({ ...env, PG_POOL_MAX: 1 }, (error) => logger.error({ err: error }, "idle database connection failed"));
  try {
    const report = await seedTrackedApps({ pool, store: steamApis(env, PROFILES.quick).store, logger }, trackedIds);
    logger.info({ added: report.added, alreadyTracked: report.alreadyTracked }, report.added.length > 0 ? "tracked games added" : "every listed game is tracked already");
  } catch (error) {
    logger.fatal({ err: error }, "could not add the listed games to tracked_apps; this release stops here");
    process.exitCode = 1;
  } finally {
    await pool.end().catch(() => undefined);
  }
}
