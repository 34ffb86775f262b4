/**
 * Everything steam-reviews reads from its environment: the web dashboard, the
 * release-phase migration, the hourly `pipeline` job and the one-off `backfill`
 * all parse it once at boot with `loadEnv(process.env)`.
 */
import { z } from "zod";
import { accessVars, appEnv, baseUrl, checkAccessPair, everyProblemAtOnce, herokuVars, integer, logLevel, parseEnv, postgresVars, text, variable } from "./shared/env.js";

export const envSchema = z
  .object({
    // Heroku
    ...herokuVars,
    /** Heroku sets it for web dynos; the release, job and one-off dynos never listen. */
    PORT: variable(integer(1, 65535).default(3000)),
    /** `web.1`, `scheduler.4821`, `release.7`, `run.1234`: logged with every line. */
    LOG_LEVEL: logLevel,

    // fleet
    /** The stack; `development` only on a developer's machine. */
    APP_ENV: appEnv,
    ...postgresVars,
    /** Every table (tracked_apps, reviews) and the migrations table live here, reached through search_path. */

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
    ...accessVars,
  })
  .superRefine(checkAccessPair, everyProblemAtOnce);

export type Env = z.infer<typeof envSchema>;

/**
 * Parses the environment once at boot. Throws one Error that names every
 * missing or invalid variable and the problem — never a value.
 */
export function loadEnv(raw: Record<string, string | undefined>): Env {
  return parseEnv("steam-reviews", envSchema, raw);
}
