/**
 * A game's whole review history, from Steam's cursor `*` to the end, newest
 * first. Each page's reviews and the cursor of the next page are committed in
 * one transaction, so a backfill stopped anywhere (SIGTERM, a crash, Steam
 * down) resumes from the page after the last one stored: nothing is lost,
 * and what a page shares with a neighbour is skipped by ON CONFLICT DO NOTHING.
 * The end is an empty page or a cursor Steam already handed out. When
 * complete, the hourly fetch takes over from when the backfill started.
 */
import type { Logger } from "pino";
import type pg from "pg";
import { storeReviews } from "../data/reviews.js";
import { TrackedApps, type BackfillProgress } from "../data/tracked-apps.js";
import { Interrupted, throwIfStopped } from "../http/sleep.js";
import { inTransaction, withAdvisoryLock } from "../shared/postgres.js";
import { FIRST_CURSOR, type SteamReviewsApi } from "../steam/reviews-api.js";

export type BackfillOutcome =
  | { readonly status: "complete"; readonly progress: BackfillProgress; readonly pagesThisRun: number }
  | { readonly status: "already-complete"; readonly progress: BackfillProgress }
  | { readonly status: "inactive" }
  | { readonly status: "interrupted"; readonly progress: BackfillProgress; readonly pagesThisRun: number };

/** The backfill cannot run; the message says why and what to do. */
export class BackfillRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackfillRefused";
  }
}

export interface BackfillDeps {
  readonly pool: pg.Pool;
  /** Settings of the connection that holds the backfill's lock. */
  readonly lockConnection: pg.ClientConfig;
  readonly schema: string;
  readonly steam: SteamReviewsApi;
  readonly logger: Logger;
  readonly now: () => Date;
  readonly signal?: AbortSignal | undefined;
}

export async function runBackfill(deps: BackfillDeps, appId: number): Promise<BackfillOutcome> {
  const apps = new TrackedApps(deps.pool);
  const app = await apps.get(appId);
  if (!app) {
    throw new BackfillRefused(`app ${appId} is not tracked: add it in /admin or to the stack's trackedApps (STEAM_TRACKED_APP_IDS), then run the backfill again`);
  }
  if (!app.active) return { status: "inactive" };
  if (app.backfill.state === "complete") return { status: "already-complete", progress: app.backfill };

  const locked = await withAdvisoryLock(deps.lockConnection, deps.schema, { name: "backfill", id: appId }, () => pageToTheEnd(deps, apps, appId));
  if (!locked.acquired) throw new BackfillRefused(`another backfill of app ${appId} is running; this one changed nothing (wait for it, or stop it and run again)`);
  return locked.value;
}

async function pageToTheEnd(deps: BackfillDeps, apps: TrackedApps, appId: number): Promise<BackfillOutcome> {
  // Read again under the lock: a backfill that held it a moment ago may have finished.
  await apps.startBackfill(appId, FIRST_CURSOR, deps.now());
  let progress = (await apps.get(appId))!.backfill;
  if (progress.state === "complete") return { status: "already-complete", progress };
  let cursor = progress.cursor ?? FIRST_CURSOR;
  const seen = new Set<string>([cursor]);
  let pagesThisRun = 0;
  if (progress.pages > 0) deps.logger.info({ appId, page: progress.pages, stored: progress.stored, skipped: progress.skipped }, "backfill resumes");

  try {
    for (;;) {
      throwIfStopped(deps.signal);
      const page = await deps.steam.page(appId, cursor, deps.signal);
      const nextCursor = page.cursor ?? cursor;
      const last = (page.reviews.length === 0 && page.invalid === 0) || seen.has(nextCursor);
      const { stored, skipped } = await inTransaction(deps.pool, async (client) => {
        const result = await storeReviews(client, page.reviews);
        const now = deps.now();
        await apps.recordBackfillPage(client, appId, { nextCursor, ...result, totalReported: cursor === FIRST_CURSOR ? page.totalReviews : undefined, now });
        if (last) await apps.completeBackfill(client, appId, now);
        return result;
      });
      pagesThisRun++;
      progress = { ...progress, pages: progress.pages + 1, stored: progress.stored + stored, skipped: progress.skipped + skipped };
      deps.logger.info(
        { appId, page: progress.pages, stored: progress.stored, skipped: progress.skipped, pageStored: stored, pageSkipped: skipped, invalid: page.invalid },
        "backfill page stored",
      );
      if (last) {
        const done = (await apps.get(appId))!.backfill;
        return { status: "complete", progress: done, pagesThisRun };
      }
      seen.add(nextCursor);
      cursor = nextCursor;
    }
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    return { status: "interrupted", progress: (await apps.get(appId))!.backfill, pagesThisRun };
  }
}
