/**
 * Which browser origins may call with credentials: CORS_ALLOWED_ORIGINS and
 * the API's own origin. A state-changing request authenticated by cookie
 * must come from one of them (API.md), so another site cannot ride on the
 * session cookies.
 */
import type { FastifyRequest } from "fastify";
import { HttpProblem } from "../shared/web/errors.js";

const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export class OriginPolicy {
  readonly #corsOrigins: ReadonlySet<string>;
  readonly #credentialedOrigins: ReadonlySet<string>;

  constructor(
    corsOrigins: readonly string[],
    readonly ownOrigin: string,
  ) {
    this.#corsOrigins = new Set(corsOrigins);
    this.#credentialedOrigins = new Set([...corsOrigins, ownOrigin]);
  }

  /** CORS: whether `origin` gets Access-Control-Allow-Origin. */
  allowsCors(origin: string | undefined): boolean {
    return origin !== undefined && this.#corsOrigins.has(origin);
  }

  /** Throws 403 origin_not_allowed unless a state-changing request carries an allowed Origin. */
  requireForCookieRequest(request: FastifyRequest): void {
    if (!STATE_CHANGING.has(request.method)) return;
    const origin = request.headers.origin;
    if (origin === undefined || !this.#credentialedOrigins.has(origin)) {
      throw new HttpProblem(403, "origin_not_allowed", "This request must come from the Threads analytics web app.");
    }
  }

  /** Admin actions come from a script (no Origin) or from the API's own pages, never from another site. */
  requireForAdminRequest(request: FastifyRequest): void {
    if (!STATE_CHANGING.has(request.method)) return;
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== this.ownOrigin) {
      throw new HttpProblem(403, "origin_not_allowed", "Admin actions cannot be sent from another site.");
    }
  }
}
