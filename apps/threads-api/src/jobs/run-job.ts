/**
 * What both scheduled jobs open around their work, on top of the shared job
 * runner (environment, log, SIGTERM, exit code): Postgres and a Redis
 * connection that waits out short outages (a job is not a person waiting).
 * SIGTERM (Heroku stopping the one-off dyno) asks the work to stop at the
 * next safe point; the job exits 0 when the work is done, 1 when it failed.
 */
import type pg from "pg";
import type { Logger } from "pino";
import { createPool } from "../db.js";
import { loadEnv, type Env } from "../env.js";
import { createLogger } from "../logger.js";
import { closeRedis, createRedis, type Redis } from "../redis.js";
import { runJob as runSharedJob } from "../shared/job.js";

export interface JobContext {
  readonly env: Env;
  readonly pool: pg.Pool;
  readonly redis: Redis;
  readonly logger: Logger;
}

export interface Job {
  readonly name: string;
  /** Resolves when the work is done. */
  run(context: JobContext): Promise<void>;
  /** Asks the work to stop early (SIGTERM). */
  requestStop(): void;
}

export function runJob(job: Job): Promise<void> {
  return runSharedJob<Env, { pool: pg.Pool; redis: Redis }>({
    app: "threads-api",
    name: job.name,
    loadEnv: () => loadEnv(process.env),
    createLogger,
    open(env, logger) {
      const pool = createPool(env, (error) => logger.error({ err: error }, "idle database connection failed"));
      const redis = createRedis(env, logger, { connectionName: `threads-api:${job.name}`, failFast: false });
      const close = async () => {
        await pool.end().catch(() => undefined);
        await closeRedis(redis);
      };
      return { pool, redis, close };
    },
    async work({ env, pool, redis, logger, stop }) {
      stop.addEventListener("abort", () => job.requestStop(), { once: true });
      await job.run({ env, pool, redis, logger });
      return 0;
    },
  });
}
