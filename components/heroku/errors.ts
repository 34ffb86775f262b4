/**
 * Errors of the Heroku client. Messages are redacted before they are built:
 * whatever catches one may print it as is.
 */

/** What Heroku answered to a request that did not succeed (or did not answer at all). */
export interface HerokuFailure {
  /** HTTP method of the request. */
  readonly method: string;
  /** Path of the request, already redacted (drain URLs and add-on names may sit in paths). */
  readonly path: string;
  /** HTTP status, or 0 when no answer arrived (reset, timeout). */
  readonly status: number;
  /** Heroku's error id (`invalid_params`, `rate_limit`…), or a transport code (`ECONNRESET`, `timeout`). */
  readonly id: string;
  /** Heroku's (or the transport's) message, redacted. */
  readonly detail: string;
  /** The `Request-Id` Heroku answered with, or the one the client sent. */
  readonly requestId: string | undefined;
  /** Attempts made, the failing one included. */
  readonly attempts: number;
}

/** A request Heroku refused, or one that could not be completed within the retry budget. */
export class HerokuApiError extends Error implements HerokuFailure {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly id: string;
  readonly detail: string;
  readonly requestId: string | undefined;
  readonly attempts: number;

  constructor(failure: HerokuFailure, hint?: string) {
    super(describeFailure(failure, hint));
    this.name = "HerokuApiError";
    this.method = failure.method;
    this.path = failure.path;
    this.status = failure.status;
    this.id = failure.id;
    this.detail = failure.detail;
    this.requestId = failure.requestId;
    this.attempts = failure.attempts;
  }
}

/** `POST /apps answered 422 invalid_params: Name is already taken (Request-Id: …)`, plus the hint. */
export function describeFailure(failure: HerokuFailure, hint?: string): string {
  const answer =
    failure.status === 0
      ? `got no answer (${failure.id}: ${failure.detail})`
      : `answered ${failure.status} ${failure.id}: ${failure.detail}`;
  const tries = failure.attempts > 1 ? ` after ${failure.attempts} attempts` : "";
  const request = failure.requestId ? ` (Request-Id: ${failure.requestId})` : "";
  return `Heroku API ${failure.method} ${failure.path} ${answer}${tries}${request}.${hint ? ` ${hint}` : ""}`;
}

/** True when the error is Heroku saying the object does not exist (404, or 410 gone). */
export function isGone(error: unknown): boolean {
  return error instanceof HerokuApiError && (error.status === 404 || error.status === 410);
}

/** True when Heroku refused the request for its content (422 invalid_params, 409 conflict). */
export function isRejected(error: unknown): boolean {
  return error instanceof HerokuApiError && (error.status === 422 || error.status === 409);
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The error a dynamic provider throws when Heroku created the object but it
 * did not become ready: the engine records the object (id and outputs) as
 * created-but-failed, so the next `pulumi up` updates it instead of creating
 * a second one.
 */
export class ResourceInitError extends Error {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];

  constructor(id: string, properties: Record<string, unknown>, message: string) {
    super(message);
    this.name = "ResourceInitError";
    this.id = id;
    this.properties = properties;
    this.reasons = [message];
  }
}
