/**
 * Everything the Heroku client reads from the environment, read at call time.
 *
 * Dynamic providers run in the Pulumi CLI's provider host, a separate process
 * with the CLI's environment, so nothing here may be captured when the
 * program is evaluated: every function reads `process.env` when called.
 */

/** Where each Heroku API lives and how patiently the client talks to it. */
export interface HerokuSettings {
  /** Platform API base URL (`HEROKU_API_URL`). */
  readonly apiUrl: string;
  /** Data API base URL for Postgres and Redis (`HEROKU_DATA_API_URL`). */
  readonly dataApiUrl: string;
  /** Heroku Scheduler's dashboard back end (`HEROKU_SCHEDULER_URL`). */
  readonly schedulerUrl: string;
  /** First back-off step after a 5xx, reset or timeout, in ms (`FLEET_HEROKU_RETRY_BASE_MS`). */
  readonly retryBaseMs: number;
  /** First back-off step after a 429 (`FLEET_HEROKU_RATE_LIMIT_BASE_MS`, default 6 × retry base = 30 s). */
  readonly rateLimitBaseMs: number;
  /** Longest single back-off wait (`FLEET_HEROKU_RETRY_CAP_MS`). */
  readonly retryCapMs: number;
  /** Attempts per request, first one included (`FLEET_HEROKU_MAX_ATTEMPTS`). */
  readonly maxAttempts: number;
  /** Time one HTTP exchange may take (`FLEET_HEROKU_REQUEST_TIMEOUT_MS`). */
  readonly requestTimeoutMs: number;
  /** Time one logical request may take, retries included (`FLEET_HEROKU_DEADLINE_MS`). */
  readonly deadlineMs: number;
  /** Below this `RateLimit-Remaining`, requests are spaced out at the refill rate (`FLEET_HEROKU_RATE_LIMIT_LOW`). */
  readonly rateLimitLow: number;
  /** Time Heroku takes to refill one rate-limit token, in ms (`FLEET_HEROKU_RATE_LIMIT_REFILL_MS`). */
  readonly rateLimitRefillMs: number;
  /** Overrides every poll interval when set (`FLEET_HEROKU_POLL_MS`); tests use a few ms. */
  readonly pollMs: number | undefined;
  /** Multiplies every wait-for-state timeout (`FLEET_HEROKU_WAIT_SCALE`, e.g. 0.01 in tests). */
  readonly waitScale: number;
  /** `silent` drops progress lines, `debug` adds one line per HTTP exchange (`FLEET_HEROKU_LOG`). */
  readonly logLevel: "silent" | "info" | "debug";
}

/** Reads the settings now. Malformed numbers fall back to the default rather than to NaN. */
export function herokuSettings(): HerokuSettings {
  const env = process.env;
  const retryBaseMs = numberFromEnv(env.FLEET_HEROKU_RETRY_BASE_MS, 5_000);
  const level = env.FLEET_HEROKU_LOG;
  return {
    apiUrl: trimSlash(env.HEROKU_API_URL || "https://api.heroku.com"),
    dataApiUrl: trimSlash(env.HEROKU_DATA_API_URL || "https://api.data.heroku.com"),
    schedulerUrl: trimSlash(env.HEROKU_SCHEDULER_URL || "https://particleboard.heroku.com"),
    retryBaseMs,
    rateLimitBaseMs: numberFromEnv(env.FLEET_HEROKU_RATE_LIMIT_BASE_MS, retryBaseMs * 6),
    retryCapMs: numberFromEnv(env.FLEET_HEROKU_RETRY_CAP_MS, 15 * 60_000),
    maxAttempts: Math.max(1, Math.floor(numberFromEnv(env.FLEET_HEROKU_MAX_ATTEMPTS, 8))),
    requestTimeoutMs: numberFromEnv(env.FLEET_HEROKU_REQUEST_TIMEOUT_MS, 60_000),
    deadlineMs: numberFromEnv(env.FLEET_HEROKU_DEADLINE_MS, 30 * 60_000),
    rateLimitLow: numberFromEnv(env.FLEET_HEROKU_RATE_LIMIT_LOW, 100),
    rateLimitRefillMs: numberFromEnv(env.FLEET_HEROKU_RATE_LIMIT_REFILL_MS, 800),
    pollMs: env.FLEET_HEROKU_POLL_MS ? numberFromEnv(env.FLEET_HEROKU_POLL_MS, 5_000) : undefined,
    waitScale: numberFromEnv(env.FLEET_HEROKU_WAIT_SCALE, 1),
    logLevel: level === "silent" || level === "debug" ? level : "info",
  };
}

/**
 * The API token. Fails with the fix when it is missing: automation needs a
 * long-lived authorization, not the CLI's session token.
 */
export function herokuToken(): string {
  const token = process.env.HEROKU_API_KEY?.trim();
  if (!token) {
    throw new Error(
      "HEROKU_API_KEY is not set. The Heroku provider needs an API token in the environment of `pulumi`: " +
        "create a long-lived one with `heroku authorizations:create --description fleet` and export its token " +
        "as HEROKU_API_KEY (in CI, as a secret of the workflow).",
    );
  }
  return token;
}

/** `FLEET_HEROKU_POLL_MS` when set, else the default of this kind of wait. */
export function pollInterval(defaultMs: number): number {
  return herokuSettings().pollMs ?? defaultMs;
}

/** A wait-for-state timeout, scaled by `FLEET_HEROKU_WAIT_SCALE`. */
export function waitTimeout(defaultMs: number): number {
  return Math.max(1, Math.round(defaultMs * herokuSettings().waitScale));
}

function numberFromEnv(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
