import { defineApp } from "../../stacks/app-spec.js";
import { envSchema } from "./src/env.js";

export default defineApp({
  name: "steam-reviews",
  description: "Steam review analysis: hourly fetch, translation and sentiment of tracked games' reviews, with a dashboard",
  processes: {
    web: { kind: "web", command: "node dist/server.js" },
    release: { kind: "release", command: "node dist/migrate.js" },
    // The one-off backfill (`node dist/jobs/backfill.js --app-id <id>`) is no process type: fleet runs it once per newly tracked game.
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
  // STEAM_TRACKED_APP_IDS (optional) is not declared here: fleet sets it from the
  // stack's `apps.steam-reviews.trackedApps`, and the release phase seeds tracked_apps from it.
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
