/**
 * The error every handler throws to answer like the Platform API does:
 * `{id, message}` with an HTTP status. Host adapters render it (JSON:API
 * hosts wrap it in `{errors: [...]}`).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function notFound(message = "Couldn't find that record."): ApiError {
  return new ApiError(404, "not_found", message);
}

export function invalidParams(message: string): ApiError {
  return new ApiError(422, "invalid_params", message);
}

export function badRequest(message = "Request invalid, validate usage and try again."): ApiError {
  return new ApiError(400, "bad_request", message);
}
