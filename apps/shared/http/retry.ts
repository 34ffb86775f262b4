/** How long to wait before trying a third-party API again. */

export interface Backoff {
  /** Wait before the second attempt; doubles each time. */
  readonly baseDelayMs: number;
  /** Longest wait between two attempts. */
  readonly maxDelayMs: number;
}

/** Exponential backoff without jitter (one client, no herd to spread): the wait after failed attempt `attempt` (1-based). */
export function backoffMs(policy: Backoff, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

/**
 * How long the answer asks us to wait, in whole ms: Retry-After as seconds or
 * an HTTP date (RFC 9110), or OpenAI's `retry-after-ms`; undefined when absent
 * or unreadable.
 */
export function retryAfterMs(headers: Headers, nowMs: number = Date.now()): number | undefined {
  const milliseconds = headers.get("retry-after-ms");
  if (milliseconds !== null && /^\d+(\.\d+)?$/.test(milliseconds.trim())) return Math.ceil(Number(milliseconds));
  const value = headers.get("retry-after")?.trim();
  if (value === undefined || value === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
