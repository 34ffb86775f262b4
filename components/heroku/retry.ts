/**
 * When and how long the client waits before trying again.
 *
 * Heroku's own Go client retries 429 from 30 s, doubling, ±25 % jitter, each
 * wait capped at 15 minutes. Transient failures (5xx, resets, timeouts) start
 * lower, at 5 s. Both bases come from the environment so tests run in
 * milliseconds.
 */

/** Why an attempt failed, as far as retrying is concerned. */
export type FailureKind =
  /** 429: Heroku did not execute the request; always safe to resend. */
  | "rate-limited"
  /** 5xx, reset, timeout: Heroku may or may not have executed it. */
  | "transient"
  /** Anything else: resending would get the same answer. */
  | "final";

/** Classifies an HTTP status. */
export function statusKind(status: number): FailureKind {
  if (status === 429) return "rate-limited";
  if (status >= 500 || status === 408) return "transient";
  return "final";
}

/**
 * Exponential back-off with ±25 % jitter: `base × 2^(attempt-1)`, capped.
 * @param attempt 1 for the wait after the first failure.
 * @param random a number in [0, 1); injectable for tests.
 */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: number = Math.random()): number {
  const exponential = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const jitter = 1 + (random * 2 - 1) * 0.25;
  return Math.max(0, Math.round(Math.min(capMs, exponential * jitter)));
}

/**
 * How long to hold a request back because the account's rate-limit bucket is
 * nearly empty: below `low` tokens, one refill interval per request, so the
 * client spends tokens no faster than Heroku refills them and never hits 429.
 */
export function slowDownDelay(remaining: number | undefined, low: number, refillMs: number): number {
  if (remaining === undefined || remaining >= low) return 0;
  // The emptier the bucket, the longer: at 0 remaining wait two refills.
  return Math.round(refillMs * (1 + (low - remaining) / Math.max(1, low)));
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/**
 * The last `RateLimit-Remaining` Heroku reported, shared by every client in
 * the process (all resources of one provider host spend the same account's
 * budget). Kept on `globalThis` because module state is copied per function
 * when providers are serialized.
 */
export function rateLimitState(): { remaining: number | undefined } {
  const key = Symbol.for("fleet.heroku.rateLimit");
  const holder = globalThis as unknown as Record<symbol, { remaining: number | undefined } | undefined>;
  let state = holder[key];
  if (state === undefined) {
    state = { remaining: undefined };
    holder[key] = state;
  }
  return state;
}
