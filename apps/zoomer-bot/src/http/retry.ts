/**
 * Retries with exponential backoff for calls that may fail for a while (rate
 * limits, overload, outages). No jitter: one worker, no herd to spread.
 */
import { backoffMs, type Backoff } from "../shared/http/retry.js";
import { ApiError } from "./api-error.js";

export interface RetryPolicy extends Backoff {
  /** Tries in all, the first included. */
  readonly attempts: number;
}

export interface RetryHooks {
  /** Waits `ms`; rejects when `signal` aborts. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly signal?: AbortSignal;
  /** Called before each wait, e.g. to log the error. */
  readonly onRetry?: (error: ApiError, attempt: number, delayMs: number) => void;
}

/** The operation failed on its last try, or with an error not worth retrying. */
export class RetriesExhausted extends Error {
  override readonly name = "RetriesExhausted";
  readonly attempts: number;
  override readonly cause: unknown;

  constructor(cause: unknown, attempts: number) {
    super(`${cause instanceof Error ? cause.message : String(cause)} (after ${attempts} attempt${attempts === 1 ? "" : "s"})`);
    this.cause = cause;
    this.attempts = attempts;
  }
}

/** The backoff, or the API's Retry-After when longer; never more than maxDelayMs. */
export function backoffDelay(policy: RetryPolicy, attempt: number, error: ApiError): number {
  return Math.min(policy.maxDelayMs, Math.max(backoffMs(policy, attempt), error.retryAfterMs ?? 0));
}

/**
 * Runs `operation` until it succeeds, it fails with a non-retryable error, or
 * the attempts run out (then RetriesExhausted, with the last error as cause).
 * An abort during a wait rejects with the abort reason at once.
 */
export async function withRetries<T>(operation: (attempt: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      const retryable = error instanceof ApiError && error.retryable;
      if (!retryable || attempt >= policy.attempts || hooks.signal?.aborted) throw new RetriesExhausted(error, attempt);
      const delayMs = backoffDelay(policy, attempt, error);
      hooks.onRetry?.(error, attempt, delayMs);
      await hooks.sleep(delayMs, hooks.signal);
    }
  }
}
