/**
 * The hourly Scheduler job: `node dist/jobs/pipeline.js`. Fetch → translate →
 * analyse for every active tracked game. Exits 0 when every stage succeeded
 * (or another run holds the lock, so this one had nothing to do), 1 otherwise.
 */
import { runPipeline } from "../pipeline/run-pipeline.js";
import { chatClient, PROFILES, steamApis } from "../services.js";
import { runSteamJob } from "./job-runtime.js";

await runSteamJob("pipeline", "pipeline stopped: it could not run", async ({ env, logger, pool, lockConnection, stop }) => {
  const steam = steamApis(env, PROFILES.job);
  const outcome = await runPipeline({
    pool,
    lockConnection,
    schema: env.DATABASE_SCHEMA,
    steam: steam.reviews,
    store: steam.store,
    chat: chatClient(env),
    logger,
    now: () => new Date(),
    maxReviewsPerRun: env.OPENAI_MAX_REVIEWS_PER_RUN,
    signal: stop,
  });
  if (outcome.status === "locked") {
    logger.info("another pipeline run holds the lock; this one does nothing");
    return 0;
  }
  if (outcome.interrupted) {
    logger.warn({ stages: outcome.stages.map((stage) => stage.stage) }, "pipeline interrupted; the next run continues");
    return 1;
  }
  if (outcome.ok) {
    logger.info({ stages: outcome.stages.map((stage) => ({ stage: stage.stage, ...stage.counts })) }, "pipeline done");
    return 0;
  }
  const failed = outcome.stages.filter((stage) => !stage.ok);
  logger.error({ failed: failed.map((stage) => ({ stage: stage.stage, errors: stage.errors })) }, `pipeline failed in ${failed.map((stage) => stage.stage).join(", ")}`);
  return 1;
});
