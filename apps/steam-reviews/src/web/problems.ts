/** steam-reviews' own translations of errors into what a person or client is told. */
import { UpstreamRejected, UpstreamUnavailable } from "../http/resilient-request.js";
import type { Problem, ProblemMapper } from "../shared/web/errors.js";

const CSRF_CODES = new Set(["FST_CSRF_INVALID_TOKEN", "FST_CSRF_MISSING_SECRET"]);

export const mapProblem: ProblemMapper = (error): Problem | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && CSRF_CODES.has(code)) {
    return { status: 403, code: "csrf_failed", message: "This form has expired or did not come from this site. Reload the admin page and try again." };
  }
  if (error instanceof UpstreamUnavailable) {
    return {
      status: 503,
      code: "steam_unavailable",
      message: `${error.service} is not answering right now, so the game's name cannot be looked up. Please try again in a minute.`,
      retryAfterSeconds: Math.min(error.retryAfterSeconds ?? 30, 300),
    };
  }
  if (error instanceof UpstreamRejected) {
    return { status: 502, code: "steam_refused", message: `${error.service} refused to look the game up (HTTP ${error.status}). Please try again later.` };
  }
  return undefined;
};
