/**
 * What the one-off jobs (the hourly pipeline, the backfill) share: the
 * environment validated at boot, the logger, a pool one connection smaller
 * than PG_POOL_MAX (the job's lock holds the other), and a stop signal. On
 * SIGTERM the job finishes the page or batch in flight, commits it and stops;
 * it is killed 25 s later if it has not.
 */
import type { Logger } from "pino";
import type pg from "pg";
import { APPLICATION_NAME, createPool } from "../db.js";
import { loadEnv, type Env } from "../env.js";
import { createLogger } from "../logger.js";
import { exitOnInvalidEnv } from "../shared/boot.js";
import { connectionConfig } from "../shared/postgres.js";
import { SHUTDOWN_DEADLINE_MS } from "../shared/shutdown.js";

export interface JobRuntime {
  readonly env: Env;
  readonly logger: Logger;
  readonly pool: pg.Pool;
  readonly lockConnection: pg.ClientConfig;
  /** Aborts on the first SIGTERM or SIGINT. */
  readonly stop: AbortSignal;
  /** Closes the pool and sets the exit code. */
  finish(exitCode: number): Promise<void>;
}

export function startJob(job: string): JobRuntime {
  const env = exitOnInvalidEnv("steam-reviews", () => loadEnv(process.env));
  const logger = createLogger({ level: env.LOG_LEVEL, dyno: env.DYNO }).child({ job });
  const pool = createPool({ ...env, PG_POOL_MAX: Math.max(1, env.PG_POOL_MAX - 1) }, (error) => logger.error({ err: error }, "idle database connection failed"));
  const controller = new AbortController();
  const onSignal = (signal: string) => {
    if (controller.signal.aborted) return;
    logger.info({ signal }, "stopping after the work in flight; what is stored stays, and the next run continues");
    controller.abort();
    setTimeout(() => {
      logger.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, "still running at the shutdown deadline; exiting");
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
  };
  process.once("SIGTERM", () => onSignal("SIGTERM"));
  process.once("SIGINT", () => onSignal("SIGINT"));
  return {
    env,
    logger,
    pool,
    lockConnection: connectionConfig(env, APPLICATION_NAME),
    stop: controller.signal,
    async finish(exitCode) {
      await pool.end().catch(() => undefined);
      process.exitCode = exitCode;
    },
  };
}
