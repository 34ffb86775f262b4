/**
 * Retries with exponential backoff for calls that may fail for a while (rate
 * limits, overload, outages). No jitter: one worker, no herd to spread.
 */
import { ApiError } from "./api-error.js";

export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  /** Wait before the second try; doubles each time. */
  readonly baseDelayMs: number;
  /** Longest wait between two tries, Retry-After included. */
  readonly maxDelayMs: number;
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

export function backoffDelay(policy: RetryPolicy, attempt: number, error: ApiError): number {
  const exponential = policy.baseDelayMs * 2 ** (attempt - 1);
  return Math.min(policy.maxDelayMs, Math.max(exponential, error.retryAfterMs ?? 0));
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

/** A sleep that an AbortSignal cuts short (rejecting with its reason). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
