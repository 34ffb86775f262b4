/**
 * Everything steam-reviews reads from its environment: the web dashboard, the
 * release-phase migration, the hourly `pipeline` job and the one-off `backfill`
 * all parse it once at boot with `loadEnv(process.env)`.
 */
import { z } from "zod";
import { baseUrl, everyProblemAtOnce, integer, parseEnv, text, url, variable } from "./shared/env.js";

export const envSchema = z
  .object({
    // Heroku
    NODE_ENV: variable(z.enum(["development", "test", "production"]).default("production")),
    /** Heroku sets it for web dynos; the release, job and one-off dynos never listen. */
    PORT: variable(integer(1, 65535).default(3000)),
    /** `web.1`, `scheduler.4821`, `release.7`, `run.1234`: logged with every line. */
    DYNO: variable(text().optional()),
    HEROKU_APP_NAME: variable(text().optional()),
    HEROKU_RELEASE_VERSION: variable(text().optional()),
    HEROKU_SLUG_COMMIT: variable(text().optional()),
    LOG_LEVEL: variable(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info")),

    // fleet
    /** The stack; `development` only on a developer's machine. */
    APP_ENV: variable(z.enum(["development", "staging", "production"])),
    DATABASE_URL: variable(url("postgres:", "postgresql:")),
    /** Every table (tracked_apps, reviews) and the migrations table live here, reached through search_path. */
    DATABASE_SCHEMA: variable(z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lowercase Postgres identifier")),
    PG_POOL_MAX: variable(integer(1, 100)),

    // OpenAI: translation and sentiment analysis of reviews
    OPENAI_API_KEY: variable(text()),
    OPENAI_BASE_URL: variable(baseUrl().default("https://api.openai.com/v1")),
    OPENAI_MODEL: variable(text().default("gpt-4o-mini")),

    // Steam's public review endpoint (`/appreviews/<app id>?json=1`) needs no key.
    STEAM_STORE_URL: variable(baseUrl().default("https://store.steampowered.com")),
    /** Pause between two review pages, so a backfill does not hammer Steam. */
    STEAM_REQUEST_INTERVAL_MS: variable(integer(0, 60_000).default(1000)),

    // Cloudflare Access in front of /admin. The app checks the Cf-Access-Jwt-Assertion
    // header itself, because the herokuapp.com host bypasses Cloudflare; with both
    // unset /admin answers 403 (outside APP_ENV=development).
    CF_ACCESS_TEAM_DOMAIN: variable(url("https:").optional()),
    CF_ACCESS_AUD: variable(text().optional()),
  })
  .superRefine((env, context) => {
    if (Boolean(env.CF_ACCESS_TEAM_DOMAIN) !== Boolean(env.CF_ACCESS_AUD)) {
      const missing = env.CF_ACCESS_AUD ? "CF_ACCESS_TEAM_DOMAIN" : "CF_ACCESS_AUD";
      context.addIssue({ code: "custom", path: [missing], message: "is not set, but its Cloudflare Access partner is: set both or neither" });
    }
  }, everyProblemAtOnce);

export type Env = z.infer<typeof envSchema>;

/**
 * Parses the environment once at boot. Throws one Error that names every
 * missing or invalid variable and the problem — never a value.
 */
export function loadEnv(raw: Record<string, string | undefined>): Env {
  return parseEnv("steam-reviews", envSchema, raw);
}
