/**
 * What euterpe's own errors mean for the client, for the shared error
 * handling: Spotify's outages and refusals, and forms whose CSRF token does
 * not match. Everything else (bad input, database outages, bugs) the shared
 * handler already knows.
 */
import type { FastifyError } from "fastify";
import type { Problem } from "./shared/web/errors.js";
import { SpotifyError, SpotifyForbidden, SpotifyRateLimited } from "./spotify/http.js";

const CSRF_ERRORS = new Set(["FST_CSRF_INVALID_TOKEN", "FST_CSRF_MISSING_SECRET"]);

export function euterpeProblem(error: unknown): Problem | undefined {
  if (error instanceof SpotifyRateLimited) {
    const seconds = Math.max(1, Math.ceil(error.retryAfterSeconds));
    return {
      status: 503,
      code: "spotify_rate_limited",
      message: `Spotify asked us to slow down. Please try again in ${seconds} s.`,
      retryAfterSeconds: seconds,
    };
  }
  if (error instanceof SpotifyForbidden) {
    return { status: 403, code: "spotify_forbidden", message: "Spotify refused access for this account. Ask the app's owner to allow your Spotify account." };
  }
  if (error instanceof SpotifyError) {
    return { status: 502, code: "spotify_unavailable", message: "Spotify did not answer as expected. Please try again shortly." };
  }
  const code = (error as Partial<FastifyError> | null)?.code;
  if (code !== undefined && CSRF_ERRORS.has(code)) {
    return { status: 403, code: "form_expired", message: "This form has expired. Reload the page and try again." };
  }
  return undefined;
}
