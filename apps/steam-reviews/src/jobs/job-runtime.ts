/**
 * What steam-reviews' jobs (the hourly pipeline, the backfill) open around
 * their work, on top of the shared job runner (environment, log, SIGTERM,
 * exit code): a pool one connection smaller than PG_POOL_MAX (the job's lock
 * holds the other) and the settings of the lock's own connection. On SIGTERM
 * the job finishes the page or batch in flight, commits it and stops.
 */
import type pg from "pg";
import { APPLICATION_NAME, createPool } from "../db.js";
import { loadEnv, type Env } from "../env.js";
import { createLogger } from "../logger.js";
import { runJob, type JobContext } from "../shared/job.js";
import { connectionConfig } from "../shared/postgres.js";

export interface JobClients {
  readonly pool: pg.Pool;
  readonly lockConnection: pg.ClientConfig;
}

/** Runs the job; `work` resolves to the exit code, and a throw is logged as `failure`. */
export function runSteamJob(name: string, failure: string, work: (job: JobContext<Env> & JobClients) => Promise<number>): Promise<void> {
  return runJob<Env, JobClients>({
    app: "steam-reviews",
    name,
    loadEnv: () => loadEnv(process.env),
    createLogger: (env) => createLogger({ level: env.LOG_LEVEL, dyno: env.DYNO }),
    open(env, logger) {
      const pool = createPool({ ...env, PG_POOL_MAX: Math.max(1, env.PG_POOL_MAX - 1) }, (error) => logger.error({ err: error }, "idle database connection failed"));
      return { pool, lockConnection: connectionConfig(env, APPLICATION_NAME), close: () => pool.end() };
    },
    failure,
    work,
  });
}
