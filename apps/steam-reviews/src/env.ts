/**
 * Everything steam-reviews reads from its environment: the web dashboard, the
 * release-phase migration, the hourly `pipeline` job and the one-off `backfill`
 * all parse it once at boot with `loadEnv(process.env)`.
 */
import { z } from "zod";
import { accessVars, appEnv, baseUrl, checkAccessPair, everyProblemAtOnce, herokuVars, integer, keyList, logLevel, parseEnv, postgresVars, text, variable } from "./shared/env.js";

/** Steam app ids are positive 32-bit integers (3228590 is Dead Zone Rogue). */
export const STEAM_APP_ID_PATTERN = /^[1-9]\d{0,9}$/;
export const MAX_STEAM_APP_ID = 2_147_483_647;

/** `3228590,2437170`: Steam app ids, comma-separated, each once. */
const appIdList = () =>
  z
    .string()
    .transform((value) => value.split(",").map((id) => id.trim()))
    .pipe(
      z
        .array(
          z
            .string()
            .regex(STEAM_APP_ID_PATTERN, "must be Steam app ids separated by commas, such as 3228590,2437170")
            .transform(Number)
            .pipe(z.number().max(MAX_STEAM_APP_ID, `must be Steam app ids (at most ${MAX_STEAM_APP_ID})`)),
        )
        .min(1),
    )
    .transform((ids) => [...new Set(ids)]);

export const envSchema = z
  .object({
    // Heroku
    ...herokuVars,
    /** Heroku sets it for web dynos; the release, job and one-off dynos never listen. */
    PORT: variable(integer(1, 65535).default(3000)),
    LOG_LEVEL: logLevel,

    // fleet
    /** The stack; `development` only on a developer's machine. */
    APP_ENV: appEnv,
    // Every table (tracked_apps, reviews, review_days) and the migrations table live in DATABASE_SCHEMA.
    ...postgresVars,

    // OpenAI: translation and sentiment analysis of reviews
    OPENAI_API_KEY: variable(text()),
    OPENAI_BASE_URL: variable(baseUrl().default("https://api.openai.com/v1")),
    OPENAI_MODEL: variable(text().default("gpt-4o-mini")),
    /** Most reviews one pipeline run translates, and most it analyses: bounds the cost of a run. */
    OPENAI_MAX_REVIEWS_PER_RUN: variable(integer(1, 100_000).default(500)),

    // Steam's public review endpoint (`/appreviews/<app id>?json=1`) needs no key.
    STEAM_STORE_URL: variable(baseUrl().default("https://store.steampowered.com")),
    /** Pause between two review pages, so a backfill does not hammer Steam. */
    STEAM_REQUEST_INTERVAL_MS: variable(integer(0, 60_000).default(1000)),
    /**
     * Games to track, set by fleet from the stack's `trackedApps`: the release
     * phase adds each one missing from tracked_apps (never re-activates one an
     * admin deactivated). Unset: the release adds nothing.
     */
    STEAM_TRACKED_APP_IDS: variable(appIdList().optional()),

    /** Signs the admin's CSRF cookie; newest first, the previous key still verifies after a rotation. */
    COOKIE_SECRET: variable(keyList(/^[0-9a-f]{64}$/, "64 lowercase hexadecimal characters (32 random bytes)")),

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
