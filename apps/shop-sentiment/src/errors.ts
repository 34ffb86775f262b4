/**
 * The app's translations of errors into problems, on top of the shared
 * handling (pages for people, JSON for API clients, 503 for a database
 * outage, a 400 naming every field that fails a route's schema): CSRF
 * refusals say how to get a token, media types and body sizes what the API takes.
 */
import type { Problem } from "./shared/web/errors.js";

interface FastifyCodedError {
  readonly code?: unknown;
  readonly statusCode?: unknown;
}

const CSRF_PROBLEMS: Readonly<Record<string, Problem>> = {
  FST_CSRF_MISSING_SECRET: {
    status: 403,
    code: "csrf_session_missing",
    message:
      "This write came without a session: reload the page and send the form again. API clients: send Authorization: Bearer <API key>, or GET /api/v1/csrf-token first and send its token in X-CSRF-Token.",
  },
  FST_CSRF_INVALID_TOKEN: {
    status: 403,
    code: "csrf_token_invalid",
    message:
      "The CSRF token is missing or does not belong to this session: reload the page and send the form again. API clients: send the token from GET /api/v1/csrf-token in X-CSRF-Token.",
  },
};

export function mapProblem(error: unknown): Problem | undefined {
  const coded = error as FastifyCodedError;
  if (typeof coded.code === "string") {
    const csrf = CSRF_PROBLEMS[coded.code];
    if (csrf) return csrf;
    if (coded.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      return { status: 415, code: "unsupported_media_type", message: "Send the body as application/json (or a form as application/x-www-form-urlencoded)." };
    }
    if (coded.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return { status: 413, code: "body_too_large", message: "The request body is too large: a review's text is at most 5000 characters." };
    }
  }
  return undefined;
}
