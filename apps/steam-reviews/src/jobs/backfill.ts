/**
 * One game's whole review history: `node dist/jobs/backfill.js --app-id <id>`.
 * Exits 0 when the backfill is complete (at once when it already was, or when
 * an admin deactivated the game), 1 when it could not finish — Steam down,
 * the game not tracked, another backfill of it running, or SIGTERM — naming
 * why; running it again continues from the last stored page. 2 for bad usage.
 * One JSON log line per page: page, stored, skipped.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { MAX_STEAM_APP_ID, STEAM_APP_ID_PATTERN } from "../env.js";
import { BackfillRefused, runBackfill } from "../pipeline/backfill.js";
import { PROFILES, steamApis } from "../services.js";
import { runSteamJob } from "./job-runtime.js";

const USAGE = `Usage: node dist/jobs/backfill.js --app-id <steam app id>

Fetches every review of a tracked game from Steam, newest first, from the
start (cursor *) to the end, storing each page as it comes. Stopped, it
continues from the last stored page when run again; for a game already
backfilled it finishes at once. Exit 0: complete. 1: not finished (the log
says why; run it again). 2: bad usage.`;

function usageError(problem: string): never {
  process.stdout.write(`${JSON.stringify({ level: "fatal", time: new Date().toISOString(), app: "steam-reviews", job: "backfill", msg: `${problem}\n${USAGE}` })}\n`);
  process.exit(2);
}

function appIdFromArgs(): number {
  let values;
  try {
    ({ values } = parseArgs({ options: { "app-id": { type: "string" }, help: { type: "boolean", short: "h" } }, strict: true }));
  } catch (error) {
    usageError((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const appId = z.string().regex(STEAM_APP_ID_PATTERN).transform(Number).pipe(z.number().max(MAX_STEAM_APP_ID)).safeParse(values["app-id"]);
  if (!appId.success) usageError("--app-id must be a Steam app id, such as --app-id 3228590");
  return appId.data;
}

const appId = appIdFromArgs();
const STOPPED = "backfill stopped before the end; run it again to continue from the last stored page";

await runSteamJob("backfill", STOPPED, async (job) => {
  const { env, pool, lockConnection, stop } = job;
  const logger = job.logger.child({ appId });
  let outcome;
  try {
    outcome = await runBackfill({ pool, lockConnection, schema: env.DATABASE_SCHEMA, steam: steamApis(env, PROFILES.job).reviews, logger, now: () => new Date(), signal: stop }, appId);
  } catch (error) {
    if (error instanceof BackfillRefused) logger.fatal(error.message);
    else logger.fatal({ err: error }, STOPPED);
    return 1;
  }
  switch (outcome.status) {
    case "complete":
    case "already-complete": {
      const { pages, stored, skipped, totalReported } = outcome.progress;
      const message = outcome.status === "complete" ? "backfill complete" : "backfill was already complete; nothing to do";
      logger.info({ page: pages, stored, skipped, steamTotal: totalReported }, message);
      return 0;
    }
    case "inactive":
      logger.warn("the game is deactivated in /admin: not backfilled (reactivate it, then run the backfill again)");
      return 0;
    case "interrupted":
      logger.warn({ page: outcome.progress.pages, stored: outcome.progress.stored, skipped: outcome.progress.skipped }, "backfill interrupted; run it again to continue from here");
      return 1;
  }
});
