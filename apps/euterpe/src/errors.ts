/**
 * Every error leaves as JSON naming the problem. Bad input is a 4xx; a
 * Spotify outage is a 502/503; only our own bugs are a 500.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { SpotifyError, SpotifyForbidden, SpotifyRateLimited } from "./spotify/http.js";

/** An error the client caused or can act on, with the status and code to answer with. */
export class HttpProblem extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "HttpProblem";
  }
}

export interface ErrorBody {
  readonly error: string;
  readonly message: string;
}

function problemFor(error: unknown): { status: number; body: ErrorBody; retryAfter?: number } {
  if (error instanceof HttpProblem) return { status: error.statusCode, body: { error: error.code, message: error.message } };
  if (error instanceof SpotifyRateLimited) {
    return {
      status: 503,
      retryAfter: Math.ceil(error.retryAfterSeconds),
      body: { error: "spotify_rate_limited", message: `Spotify asked us to slow down; try again in ${Math.ceil(error.retryAfterSeconds)} s` },
    };
  }
  if (error instanceof SpotifyForbidden) {
    return { status: 403, body: { error: "spotify_forbidden", message: "Spotify refused access for this account" } };
  }
  if (error instanceof SpotifyError) {
    return { status: 502, body: { error: "spotify_unavailable", message: "Spotify did not answer as expected; try again shortly" } };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return {
      status: fastifyError.statusCode,
      body: { error: (fastifyError.code ?? "bad_request").toLowerCase(), message: fastifyError.message ?? "bad request" },
    };
  }
  return { status: 500, body: { error: "internal_error", message: "something went wrong on our side" } };
}

export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body, retryAfter } = problemFor(error);
  if (status >= 500) request.log.error({ err: error }, "request failed");
  else if (error instanceof SpotifyError) request.log.warn({ err: error }, "Spotify refused the request");
  if (retryAfter !== undefined) void reply.header("retry-after", String(retryAfter));
  return reply.code(status).type("application/json; charset=utf-8").send(body);
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(404).send({ error: "not_found", message: `no route for ${request.method} ${request.url.split("?")[0]}` });
}
