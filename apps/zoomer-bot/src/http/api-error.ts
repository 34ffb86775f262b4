/**
 * What went wrong talking to an HTTP API, in one shape for every API the bot
 * calls: enough to decide whether to retry, to log it, and to record it as a
 * post's failure reason — never the request's key.
 */

export class ApiError extends Error {
  override readonly name = "ApiError";
  /** Which API (`anthropic`, `embeddings`). */
  readonly api: string;
  /** HTTP status; undefined when no answer came (network, timeout). */
  readonly status: number | undefined;
  /** The API's error type (`rate_limit_error`, `overloaded_error`…) or `network`. */
  readonly errorType: string;
  /** The API's request id, for its support. */
  readonly requestId: string | undefined;
  /** How long the API asked us to wait (Retry-After), when it did. */
  readonly retryAfterMs: number | undefined;

  constructor(fields: { api: string; status: number | undefined; errorType: string; message: string; requestId?: string | undefined; retryAfterMs?: number | undefined }) {
    const where = fields.status === undefined ? "no answer" : `HTTP ${fields.status}`;
    super(`${fields.api}: ${where} ${fields.errorType}: ${fields.message}${fields.requestId ? ` (request ${fields.requestId})` : ""}`);
    this.api = fields.api;
    this.status = fields.status;
    this.errorType = fields.errorType;
    this.requestId = fields.requestId;
    this.retryAfterMs = fields.retryAfterMs;
  }

  /** Rate limits, overload (Anthropic's 529), server errors, timeouts and lost connections pass; our own mistakes do not. */
  get retryable(): boolean {
    if (this.status === undefined) return true;
    return this.status === 408 || this.status === 409 || this.status === 429 || this.status >= 500;
  }

  /** A key that is wrong, revoked or not allowed: nothing but the operator fixes it. */
  get authentication(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

/** An ApiError for a fetch that never got an answer. */
export function networkError(api: string, error: unknown): ApiError {
  const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
  const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
  return new ApiError({ api, status: undefined, errorType: timedOut ? "timeout" : "network", message: cause });
}
