/**
 * Errors of the Heroku client and providers. Messages are redacted before
 * they are built: whatever catches one may print it as is.
 *
 * They are plain `Error` objects with a `kind` brand, made by functions, not
 * subclasses: Pulumi's function serialization copies a class without its
 * `Error` prototype chain (instances stop being `instanceof Error` and lose
 * their message), and each serialized provider has its own copy of every
 * class, so `instanceof` would not hold across copies anyway.
 */

/** What Heroku answered to a request that did not succeed (or did not answer at all). */
export interface HerokuFailure {
  /** HTTP method of the request. */
  readonly method: string;
  /** Path of the request, already redacted (drain URLs and add-on names may sit in paths). */
  readonly path: string;
  /** HTTP status, or 0 when no answer arrived (reset, timeout). */
  readonly status: number;
  /**
   * Heroku's error id (`invalid_params`, `rate_limit`…), or a transport code
   * (`ECONNRESET`, `timeout`). Not named `id`: the provider host reads an
   * error's `id` as "created with this id but failed to initialise".
   */
  readonly code: string;
  /** Heroku's (or the transport's) message, redacted. */
  readonly detail: string;
  /** The `Request-Id` Heroku answered with, or the one the client sent. */
  readonly requestId: string | undefined;
  /** Attempts made, the failing one included. */
  readonly attempts: number;
}

/** A request Heroku refused, or one that could not be completed within the retry budget. */
export type HerokuApiError = Error & HerokuFailure & { readonly kind: "heroku-api" };

/** Builds the error of a failed request: method, path, status, Heroku's id and message, Request-Id, and a hint. */
export function herokuApiError(failure: HerokuFailure, hint?: string): HerokuApiError {
  return Object.assign(new Error(describeFailure(failure, hint)), failure, { name: "HerokuApiError", kind: "heroku-api" as const });
}

/** True for errors made by `herokuApiError`. */
export function isHerokuApiError(error: unknown): error is HerokuApiError {
  return error instanceof Error && (error as Partial<HerokuApiError>).kind === "heroku-api";
}

/** `POST /apps answered 422 invalid_params: Name is already taken (Request-Id: …)`, plus the hint. */
export function describeFailure(failure: HerokuFailure, hint?: string): string {
  const answer =
    failure.status === 0
      ? `got no answer (${failure.code}: ${failure.detail})`
      : `answered ${failure.status} ${failure.code}: ${failure.detail}`;
  const tries = failure.attempts > 1 ? ` after ${failure.attempts} attempts` : "";
  const request = failure.requestId ? ` (Request-Id: ${failure.requestId})` : "";
  return `Heroku API ${failure.method} ${failure.path} ${answer}${tries}${request}.${hint ? ` ${hint}` : ""}`;
}

/** True when the error is Heroku saying the object does not exist (404, or 410 gone). */
export function isGone(error: unknown): boolean {
  return isHerokuApiError(error) && (error.status === 404 || error.status === 410);
}

/** True when Heroku refused the request for its content (422 invalid_params, 409 conflict). */
export function isRejected(error: unknown): boolean {
  return isHerokuApiError(error) && (error.status === 422 || error.status === 409);
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error !== null && typeof error === "object" && "message" in error && typeof error.message === "string") return error.message;
  return String(error);
}

/**
 * What a dynamic provider throws when Heroku created the object but it did
 * not become ready: the engine records the object (`id` and `properties`) as
 * created-but-failed, so the next `pulumi up` updates it instead of creating
 * a second one. The provider host reads exactly `id`, `properties`, `reasons`.
 */
export type ResourceInitError = Error & {
  readonly kind: "resource-init";
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];
};

/** Builds a created-but-not-ready error for the object `id` with its outputs so far. */
export function resourceInitError(id: string, properties: Record<string, unknown>, message: string): ResourceInitError {
  return Object.assign(new Error(message), {
    name: "ResourceInitError",
    kind: "resource-init" as const,
    id,
    properties,
    reasons: [message],
  });
}

/** True for errors made by `resourceInitError`. */
export function isResourceInitError(error: unknown): error is ResourceInitError {
  return error instanceof Error && (error as Partial<ResourceInitError>).kind === "resource-init";
}
