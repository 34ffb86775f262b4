import { defineApp } from "../../stacks/app-spec.js";
import { envSchema } from "./src/env.js";

export default defineApp({
  name: "steam-reviews",
  description: "Steam review analysis: hourly fetch, translation and sentiment of tracked games' reviews, with a dashboard",
  processes: {
    web: { kind: "web", command: "node dist/server.js" },
    release: { kind: "release", command: "node dist/migrate.js" },
  },
  env: envSchema,
  healthPath: "/health",
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
