/**
 * The hourly job: fetch → translate → analyse, under one advisory lock so two
 * overlapping runs (Scheduler may double one) never work on the same rows:
 * the second finds the lock taken and stops at once. A stage that fails is
 * logged and the others still run (each only works on committed rows, so a
 * failure leaves nothing half-written); the run then reports failure.
 */
import type { Logger } from "pino";
import type pg from "pg";
import { TrackedApps } from "../data/tracked-apps.js";
import { Interrupted } from "../http/sleep.js";
import type { ChatClient } from "../openai/chat-client.js";
import { withAdvisoryLock } from "../shared/postgres.js";
import type { SteamReviewsApi } from "../steam/reviews-api.js";
import type { SteamStoreApi } from "../steam/store-api.js";
import { analyseReviews } from "./analyse.js";
import { fetchNewReviews, type FetchLimits } from "./fetch-new-reviews.js";
import { refreshPlaceholderNames } from "./refresh-names.js";
import { translateReviews } from "./translate.js";

export type StageName = "fetch" | "translate" | "analyse";

export interface StageResult {
  readonly stage: StageName;
  readonly ok: boolean;
  readonly counts: Readonly<Record<string, number>>;
  /** What went wrong, for the log (no secret: our own messages). */
  readonly errors: readonly string[];
}

export type PipelineOutcome =
  | { readonly status: "locked" }
  | { readonly status: "ran"; readonly ok: boolean; readonly interrupted: boolean; readonly stages: readonly StageResult[] };

export interface PipelineDeps {
  readonly pool: pg.Pool;
  readonly lockConnection: pg.ClientConfig;
  readonly schema: string;
  readonly steam: SteamReviewsApi;
  readonly store: SteamStoreApi;
  readonly chat: ChatClient;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Most reviews translated, and most analysed, per run. */
  readonly maxReviewsPerRun: number;
  readonly fetchLimits?: Partial<FetchLimits>;
  readonly signal?: AbortSignal | undefined;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function fetchStage(deps: PipelineDeps): Promise<StageResult> {
  const apps = await new TrackedApps(deps.pool).active();
  const counts = { games: apps.length, pages: 0, stored: 0, skipped: 0, invalid: 0, failedGames: 0, named: 0 };
  const errors: string[] = [];
  counts.named = await refreshPlaceholderNames(deps, apps);
  for (const app of apps) {
    try {
      const report = await fetchNewReviews(deps, app);
      counts.pages += report.pages;
      counts.stored += report.stored;
      counts.skipped += report.skipped;
      counts.invalid += report.invalid;
      deps.logger.info({ stage: "fetch", ...report }, "new reviews fetched");
    } catch (error) {
      if (error instanceof Interrupted) throw error;
      counts.failedGames++;
      errors.push(`app ${app.appId}: ${message(error)}`);
      deps.logger.error({ stage: "fetch", appId: app.appId, err: error }, "fetching this game's reviews failed; its last fetch time stays");
    }
  }
  return { stage: "fetch", ok: counts.failedGames === 0, counts, errors };
}

async function modelStage(stage: "translate" | "analyse", deps: PipelineDeps): Promise<StageResult> {
  const run = stage === "translate" ? translateReviews : analyseReviews;
  try {
    const tally = await run(deps, deps.maxReviewsPerRun);
    return { stage, ok: true, counts: { ...tally }, errors: [] };
  } catch (error) {
    if (error instanceof Interrupted) throw error;
    deps.logger.error({ stage, err: error }, `the ${stage} stage failed; what it saved before stays`);
    return { stage, ok: false, counts: {}, errors: [message(error)] };
  }
}

export async function runPipeline(deps: PipelineDeps): Promise<PipelineOutcome> {
  const locked = await withAdvisoryLock(deps.lockConnection, deps.schema, { name: "pipeline", id: 0 }, async () => {
    const stages: StageResult[] = [];
    try {
      for (const stage of ["fetch", "translate", "analyse"] as const) {
        const result = stage === "fetch" ? await fetchStage(deps) : await modelStage(stage, deps);
        stages.push(result);
        deps.logger.info({ stage, ok: result.ok, ...result.counts }, result.ok ? `${stage} stage done` : `${stage} stage failed`);
      }
    } catch (error) {
      if (!(error instanceof Interrupted)) throw error;
      return { status: "ran" as const, ok: false, interrupted: true, stages };
    }
    return { status: "ran" as const, ok: stages.every((stage) => stage.ok), interrupted: false, stages };
  });
  return locked.acquired ? locked.value : { status: "locked" };
}
