import { z } from "zod";
import { appSetting, defineApp } from "../../stacks/app-spec.js";
import { envSchema, MAX_STEAM_APP_ID } from "./src/env.js";

/** `trackedApps`: Steam app ids, each a positive whole number, each once. */
const trackedAppIds = z
  .array(
    z
      .number({ error: "must be a Steam app id written as a number, such as 3228590 (without quotes)" })
      .int({ error: "must be a whole number: a Steam app id such as 3228590" })
      .min(1, { error: "must be a positive Steam app id, such as 3228590" })
      .max(MAX_STEAM_APP_ID, { error: `must be a Steam app id (at most ${MAX_STEAM_APP_ID})` }),
    { error: "must be a list of Steam app ids, one `- 3228590` per line" },
  )
  .superRefine((ids, ctx) => {
    ids.forEach((id, index) => {
      if (ids.indexOf(id) !== index) {
        ctx.addIssue({ code: "custom", path: [index], message: `lists ${id} a second time (first at [${ids.indexOf(id)}])`, params: { remove: true } });
      }
    });
  });

export default defineApp({
  name: "steam-reviews",
  description: "Steam review analysis: hourly fetch, translation and sentiment of tracked games' reviews, with a dashboard",
  processes: {
    web: { kind: "web", command: "node dist/server.js" },
    release: { kind: "release", command: "node dist/migrate.js" },
    // The one-off backfill (`node dist/jobs/backfill.js --app-id <id>`) is no process type: fleet runs it once per newly tracked game.
  },
  settings: {
    trackedApps: appSetting(trackedAppIds, {
      description: "Steam app ids of the games to track: the release phase adds each to tracked_apps, and each newly listed one is backfilled once",
      example: "3228590",
      list: true,
      variables: ["STEAM_TRACKED_APP_IDS"],
      // Unlisting a game neither deactivates it (that is /admin's) nor backfills anything again.
      effects: (ids) => ({
        ...(ids.length > 0 ? { env: { STEAM_TRACKED_APP_IDS: ids.join(",") } } : {}),
        runOnce: ids.map((id) => ({ name: `backfill-${id}`, command: `node dist/jobs/backfill.js --app-id ${id}`, trigger: `tracked ${id}` })),
      }),
    }),
  },
  env: envSchema,
  healthPath: "/health",
  generatedSecrets: {
    COOKIE_SECRET: {
      kind: "hex",
      bytes: 32,
      // Admin forms opened before a rotation still post: the previous key keeps verifying their cookie.
      keepPrevious: "key-list",
      description: "Signs the cookie that carries the admin forms' CSRF secret",
    },
  },
  providedSecrets: {
    OPENAI_API_KEY: {
      description: "OpenAI API key the pipeline translates and analyses reviews with (platform.openai.com → API keys)",
    },
  },
  database: { schema: "steam_reviews", poolPerDyno: 5 },
  scheduledJobs: [
    // fetch → translate → analyse; idempotent, because Scheduler may skip or double a run.
    { name: "pipeline", command: "node dist/jobs/pipeline.js", every: "hour", at: 0 },
  ],
  domainPrefix: "reviews",
  adminPaths: ["/admin"],
});
