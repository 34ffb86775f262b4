/**
 * The hourly Scheduler job: `node dist/jobs/pipeline.js`. Fetch → translate →
 * analyse for every active tracked game. Exits 0 when every stage succeeded
 * (or another run holds the lock, so this one had nothing to do), 1 otherwise.
 */
import { runPipeline } from "../pipeline/run-pipeline.js";
import { chatClient, PROFILES, steamApis } from "../services.js";
import { startJob } from "./job-runtime.js";

const job = startJob("pipeline");
const { env, logger } = job;
const steam = steamApis(env, PROFILES.job);
let exitCode = 1;
try {
  const outcome = await runPipeline({
    pool: job.pool,
    lockConnection: job.lockConnection,
    schema: env.DATABASE_SCHEMA,
    steam: steam.reviews,
    store: steam.store,
    chat: chatClient(env),
    logger,
    now: () => new Date(),
    maxReviewsPerRun: env.OPENAI_MAX_REVIEWS_PER_RUN,
    signal: job.stop,
  });
  if (outcome.status === "locked") {
    logger.info("another pipeline run holds the lock; this one does nothing");
    exitCode = 0;
  } else if (outcome.interrupted) {
    logger.warn({ stages: outcome.stages.map((stage) => stage.stage) }, "pipeline interrupted; the next run continues");
  } else if (outcome.ok) {
    logger.info({ stages: outcome.stages.map((stage) => ({ stage: stage.stage, ...stage.counts })) }, "pipeline done");
    exitCode = 0;
  } else {
    const failed = outcome.stages.filter((stage) => !stage.ok);
    logger.error({ failed: failed.map((stage) => ({ stage: stage.stage, errors: stage.errors })) }, `pipeline failed in ${failed.map((stage) => stage.stage).join(", ")}`);
  }
} catch (error) {
  logger.fatal({ err: error }, "pipeline stopped: it could not run");
}
await job.finish(exitCode);
