/**
 * One scheduled ingestion run: recover the jobs of crashed runs, give
 * deferred jobs another go, queue every user who is due, then drain the
 * queue one user at a time. Threads rate limits defer the user's job (and an
 * app-wide limit ends the run); a stop request lets the job in hand finish.
 */
import type { Logger } from "pino";
import type { UserRepository } from "../data/users.js";
import { INGEST_JOBS, INGEST_RUN_DURATION, INGEST_USER_DURATION, type JobMetrics } from "../metrics/job-metrics.js";
import { ThreadsRateLimited, ThreadsUnavailable } from "../threads/http.js";
import { ingestUser, type IngestDependencies, type UserOutcome } from "./ingest-user.js";
import type { TakenJob, WorkQueue } from "./work-queue.js";

/** A user is queued again once their last ingestion is this old (the job runs every 10 minutes). */
export const INGEST_EVERY_MINUTES = 50;

export interface RunSummary {
  readonly recovered: number;
  readonly queued: number;
  readonly processed: number;
  readonly outcomes: Readonly<Record<string, number>>;
  /** Why the run ended early, if it did. */
  readonly stoppedBecause?: "rate_limited" | "stop_requested";
}

export class IngestRun {
  #stopRequested = false;

  constructor(
    private readonly deps: IngestDependencies & { readonly users: UserRepository; readonly metrics: JobMetrics },
    private readonly queue: WorkQueue,
  ) {}

  /** Finish the job in hand, then end the run (SIGTERM). */
  requestStop(): void {
    this.#stopRequested = true;
  }

  async run(): Promise<RunSummary> {
    const { logger, users, metrics } = this.deps;
    const started = performance.now();
    const outcomes: Record<string, number> = {};
    let processed = 0;
    let stoppedBecause: RunSummary["stoppedBecause"];
    await this.queue.start();
    try {
      const recovered = await this.queue.recoverOrphans();
      if (recovered > 0) logger.warn({ recovered }, "recovered jobs of a run that stopped mid-job");
      await this.queue.releaseDeferred();
      let queued = 0;
      const dueBefore = new Date(this.deps.now().getTime() - INGEST_EVERY_MINUTES * 60_000);
      for (const userId of await users.dueForIngestion(dueBefore)) if (await this.queue.enqueue(userId, this.deps.now())) queued++;

      for (;;) {
        if (this.#stopRequested) {
          stoppedBecause = "stop_requested";
          break;
        }
        const taken = await this.queue.take();
        if (!taken) break;
        const outcome = await this.#process(taken, logger);
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        await metrics.increment(INGEST_JOBS, outcome);
        processed++;
        if (outcome === "rate_limited_app") {
          stoppedBecause = "rate_limited";
          break;
        }
      }
      const summary: RunSummary = { recovered, queued, processed, outcomes, ...(stoppedBecause ? { stoppedBecause } : {}) };
      logger.info(summary, "ingestion run finished");
      return summary;
    } finally {
      await this.queue.stop();
      await metrics.observe(INGEST_RUN_DURATION, (performance.now() - started) / 1000).catch(() => undefined);
    }
  }

  async #process(taken: TakenJob, logger: Logger): Promise<string> {
    const { userId } = taken.job;
    const started = performance.now();
    let outcome: UserOutcome;
    try {
      outcome = await ingestUser(this.deps, userId);
    } catch (error) {
      const kept = await this.queue.defer(taken);
      if (error instanceof ThreadsRateLimited) {
        logger.warn({ userId, scope: error.scope, retryAfterSeconds: error.retryAfterSeconds, kept }, "Threads rate limit: job deferred to the next run");
        return error.scope === "app" ? "rate_limited_app" : "rate_limited_user";
      }
      if (error instanceof ThreadsUnavailable) {
        logger.warn({ err: error, userId, kept }, "Threads unavailable: job deferred to the next run");
        return "threads_unavailable";
      }
      logger.error({ err: error, userId, kept }, "ingestion failed: job deferred to the next run");
      return "failed";
    }
    await this.queue.complete(taken);
    await this.deps.metrics.observe(INGEST_USER_DURATION, (performance.now() - started) / 1000);
    if (outcome.kind === "signin_required") logger.warn({ userId, reason: outcome.reason }, "Threads refused the user's token: they must sign in again");
    return outcome.kind;
  }
}
