/**
 * Builds an ingestion run from the environment: the job's entry point uses
 * it with real fetch and timers, tests with their fakes and clock.
 */
import type pg from "pg";
import type { Logger } from "pino";
import { TokenCipher } from "../auth/token-cipher.js";
import { IngestStore } from "../data/ingested.js";
import { UserRepository } from "../data/users.js";
import type { Env } from "../env.js";
import { JobMetrics } from "../metrics/job-metrics.js";
import { ModerationClient } from "../moderation/client.js";
import type { Redis } from "../redis.js";
import { sleep } from "../shared/http/sleep.js";
import { ThreadsGraph } from "../threads/graph.js";
import type { HttpOptions } from "../threads/http.js";
import { credentialsOf, ThreadsOAuth } from "../threads/oauth.js";
import { IngestRun } from "./ingest-run.js";
import { WorkQueue } from "./work-queue.js";

export interface IngestRunOptions {
  readonly env: Env;
  readonly pool: pg.Pool;
  readonly redis: Redis;
  readonly logger: Logger;
  /** @default global fetch, real timers */
  readonly http?: Partial<HttpOptions>;
  readonly now?: () => Date;
  /** How long a run's heartbeat outlives it (a crashed run's jobs come back after this). @default 60 s */
  readonly heartbeatTtlSeconds?: number;
}

export function createIngestRun(options: IngestRunOptions): IngestRun {
  const { env, pool, redis, logger } = options;
  const http: HttpOptions = { fetch: globalThis.fetch, sleep, ...options.http };
  const oauth = new ThreadsOAuth(credentialsOf(env), http);
  const moderation = new ModerationClient({ baseUrl: env.OPENAI_BASE_URL, apiKey: env.OPENAI_API_KEY, model: env.OPENAI_MODEL }, { fetch: http.fetch, sleep: http.sleep });
  return new IngestRun(
    {
      users: new UserRepository(pool, new TokenCipher(env.TOKEN_ENCRYPTION_KEYS)),
      store: new IngestStore(pool),
      graph: new ThreadsGraph(env.THREADS_API_BASE_URL, http),
      oauth,
      moderation,
      metrics: new JobMetrics(redis),
      logger,
      decayLambda: env.SCORING_DECAY_LAMBDA,
      retentionDays: env.RETENTION_DAYS,
      now: options.now ?? (() => new Date()),
    },
    new WorkQueue(redis, options.heartbeatTtlSeconds !== undefined ? { heartbeatTtlSeconds: options.heartbeatTtlSeconds } : {}),
  );
}
