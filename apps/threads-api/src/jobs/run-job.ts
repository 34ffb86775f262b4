/**
 * What both scheduled jobs do around their work: validate the environment,
 * open Postgres and Redis, run, close, and exit 0 — or 1 when the work
 * failed. SIGTERM (Heroku stopping the one-off dyno) asks the work to stop
 * at the next safe point and waits for it.
 */
import type pg from "pg";
import type { Logger } from "pino";
import { createPool } from "../db.js";
import { loadEnv, type Env } from "../env.js";
import { createLogger } from "../logger.js";
import { createRedis, type Redis } from "../redis.js";
import { exitOnInvalidEnv } from "../shared/boot.js";
import { onShutdown } from "../shared/shutdown.js";

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

export async function runJob(job: Job): Promise<void> {
  const env = exitOnInvalidEnv("threads-api", () => loadEnv(process.env));
  const logger = createLogger(env).child({ job: job.name });
  const pool = createPool(env, (error) => logger.error({ err: error }, "idle database connection failed"));
  const redis = createRedis(env, { connectionName: `threads-api:${job.name}`, failFast: false });
  redis.on("error", (error: Error) => logger.warn({ err: error }, "redis connection error"));

  const close = async () => {
    await pool.end().catch(() => undefined);
    await redis.quit().catch(() => redis.disconnect());
  };
  const work = job.run({ env, pool, redis, logger }).then(
    () => 0,
    (error: unknown) => {
      logger.error({ err: error }, `${job.name} failed`);
      return 1;
    },
  );
  onShutdown(
    async () => {
      job.requestStop();
      await work;
      await close();
    },
    { logger },
  );
  const code = await work;
  await close();
  process.exit(code);
}
