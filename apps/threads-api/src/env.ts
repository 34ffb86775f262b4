/**
 * Everything threads-api reads from its environment: the web API and the
 * release-phase migration parse it once at boot with `loadEnv(process.env)`.
 */
import { z } from "zod";
import { accessVars, appEnv, baseUrl, checkAccessPair, decimal, everyProblemAtOnce, herokuVars, integer, keyList, logLevel, parseEnv, postgresVars, redisVars, text, url, variable } from "./shared/env.js";

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** `https://app.example.com`: scheme, host and port only, as browsers send it in `Origin`. */
const origin = () =>
  z.string().refine((value) => {
    const parsed = parseUrl(value);
    return parsed !== undefined && /^https?:$/.test(parsed.protocol) && parsed.origin === value;
  }, "must be an origin such as https://app.example.com (no path, no trailing slash)");

/** An HMAC key for HS256: at least 256 bits. */
const signingKey = () => z.string().min(32, "must be at least 32 characters (256 bits)");

export const THREADS_CALLBACK_PATH = "/api/v1/auth/threads/callback";

export const envSchema = z
  .object({
    // Heroku
    ...herokuVars,
    /** Heroku sets it for web dynos; the release dyno never listens. */
    PORT: variable(integer(1, 65535).default(3000)),
    LOG_LEVEL: logLevel,

    // fleet
    /** The stack; `development` only on a developer's machine (relaxed rate limits, debug logs). */
    APP_ENV: appEnv,
    ...postgresVars,
    /** REDIS_KEY_PREFIX is the base of every key; the app keeps `<prefix>cache:` and `<prefix>queue:` apart beneath it. */
    ...redisVars,

    // Our tokens. Each key signs with the current value and still verifies with _PREVIOUS after a rotation.
    JWT_ACCESS_SECRET: variable(signingKey()),
    JWT_ACCESS_SECRET_PREVIOUS: variable(signingKey().optional()),
    JWT_REFRESH_SECRET: variable(signingKey()),
    JWT_REFRESH_SECRET_PREVIOUS: variable(signingKey().optional()),
    JWT_ACCESS_TTL_SECONDS: variable(integer(60, 86_400).default(900)),
    JWT_REFRESH_TTL_SECONDS: variable(integer(3_600, 90 * 86_400).default(30 * 86_400)),
    /** AES-256-GCM keys (32 bytes, base64), newest first, for users' Threads tokens at rest. */
    TOKEN_ENCRYPTION_KEYS: variable(keyList(/^[A-Za-z0-9+/]{43}=$/, "32 bytes as standard base64 (44 characters)")),

    // Browser side: the front end on another subdomain calls with credentials.
    /** Comma-separated origins allowed by CORS (with credentials). */
    CORS_ALLOWED_ORIGINS: variable(
      z
        .string()
        .transform((value) => value.split(",").map((entry) => entry.trim()))
        .pipe(z.array(origin()).min(1)),
    ),
    /** Parent domain of the API and the front end (`example.com`); unset keeps cookies host-only. */
    SESSION_COOKIE_DOMAIN: variable(
      z
        .string()
        .regex(/^\.?([a-z0-9-]+\.)+[a-z0-9-]+$/, "must be a lowercase domain such as example.com")
        .optional(),
    ),
    /** Where the OAuth callback sends the browser once signed in. */
    WEB_APP_URL: variable(baseUrl()),

    // Threads (Meta) OAuth and Graph API
    THREADS_CLIENT_ID: variable(z.string().regex(/^\d+$/, "must be the numeric Threads app ID")),
    THREADS_CLIENT_SECRET: variable(text()),
    /** Must equal a redirect URI registered with the Threads app, byte for byte. */
    THREADS_REDIRECT_URI: variable(
      url("https:", "http:").refine(
        (value) => parseUrl(value)?.pathname === THREADS_CALLBACK_PATH,
        `must end in ${THREADS_CALLBACK_PATH}`,
      ),
    ),
    THREADS_AUTHORIZE_URL: variable(url("https:", "http:").default("https://threads.net/oauth/authorize")),
    THREADS_API_BASE_URL: variable(baseUrl().default("https://graph.threads.net")),

    // OpenAI: scoring and toxicity of posts and replies
    OPENAI_API_KEY: variable(text()),
    OPENAI_BASE_URL: variable(baseUrl().default("https://api.openai.com/v1")),
    /** The moderation model that scores toxicity (`POST /moderations`). */
    OPENAI_MODEL: variable(text().default("omni-moderation-latest")),

    // Feature flags
    /** Exponential decay per hour applied to engagement when scoring posts. */
    SCORING_DECAY_LAMBDA: variable(decimal(0, 10).default(0.1)),
    /** Posts and replies whose toxicity is at or above it are flagged. */
    TOXICITY_THRESHOLD: variable(decimal(0, 1).default(0.8)),

    // Data lifecycle
    /** Posts and replies published longer ago than this are deleted by the retention job. */
    RETENTION_DAYS: variable(integer(1, 3_650).default(90)),

    // Rate limits (per client IP or signed-in user, counted in Redis)
    RATE_LIMIT_MAX: variable(integer(1, 100_000).default(100)),
    RATE_LIMIT_WINDOW_SECONDS: variable(integer(1, 3_600).default(60)),

    // Cloudflare Access in front of /admin/metrics. The app checks the Cf-Access-Jwt-Assertion
    // header itself, because the herokuapp.com host bypasses Cloudflare; with both unset
    // /admin/metrics answers 403 (outside APP_ENV=development).
    ...accessVars,
  })
  .superRefine(checkAccessPair, everyProblemAtOnce);

export type Env = z.infer<typeof envSchema>;

/**
 * Parses the environment once at boot. Throws one Error that names every
 * missing or invalid variable and the problem — never a value.
 */
export function loadEnv(raw: Record<string, string | undefined>): Env {
  return parseEnv("threads-api", envSchema, raw);
}
