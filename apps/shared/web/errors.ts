/**
 * Every error leaves as an answer that names the problem: a page for a person
 * in a browser, JSON for API clients. Bad input is a 4xx; an outage of the
 * database or of a service the app calls is a 502/503 with Retry-After; only
 * the app's own bugs are a 500, and only those are logged as errors.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isDatabaseUnavailable } from "../postgres.js";
import { validationProblem } from "./validation.js";

/** What an error means for the client. */
export interface Problem {
  readonly status: number;
  /** Stable, machine-readable (`not_found`, `spotify_unavailable`). */
  readonly code: string;
  /** For people: what happened and what they can do. Never a secret or an internal detail. */
  readonly message: string;
  /** Sent as Retry-After on 429 and 503. */
  readonly retryAfterSeconds?: number;
}

/** An error the client caused or can act on, thrown from a route. */
export class HttpProblem extends Error implements Problem {
  readonly status: number;
  readonly code: string;
  readonly retryAfterSeconds?: number;

  constructor(status: number, code: string, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = "HttpProblem";
    this.status = status;
    this.code = code;
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The app's own translations (an upstream API's outage, a revoked token…); `undefined` when it does not know the error. */
export type ProblemMapper = (error: unknown) => Problem | undefined;

export const DATABASE_UNAVAILABLE: Problem = {
  status: 503,
  code: "database_unavailable",
  message: "Our database is not answering right now. Please try again in a moment.",
  retryAfterSeconds: 5,
};

const INTERNAL_ERROR: Problem = { status: 500, code: "internal_error", message: "Something went wrong on our side. Please try again." };

/** The Problem for any error a route may throw. */
export function problemFor(error: unknown, map?: ProblemMapper): Problem {
  if (error instanceof HttpProblem) return error;
  const mapped = map?.(error);
  if (mapped) return mapped;
  const invalid = validationProblem(error);
  if (invalid) return invalid;
  if (isDatabaseUnavailable(error)) return DATABASE_UNAVAILABLE;
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    return { status, code: (fastifyError.code ?? "bad_request").toLowerCase(), message: fastifyError.message ?? "bad request" };
  }
  return INTERNAL_ERROR;
}

/** Short titles for error pages. */
export function problemTitle(status: number): string {
  const titles: Record<number, string> = {
    400: "That request did not look right",
    401: "Please sign in",
    403: "Not allowed",
    404: "Page not found",
    405: "Not allowed here",
    413: "Too much at once",
    415: "Unsupported request",
    429: "Slow down a little",
    500: "Something went wrong",
    502: "A service we rely on failed",
    503: "Temporarily unavailable",
  };
  return titles[status] ?? (status >= 500 ? "Something went wrong" : "That did not work");
}

/**
 * A person's browser asks for HTML first; API clients, scripts and
 * `fetch` do not. Paths under `jsonPrefixes` always answer JSON.
 */
export function prefersHtml(request: FastifyRequest, jsonPrefixes: readonly string[] = ["/api/"]): boolean {
  const path = request.url.split("?")[0] ?? "";
  if (jsonPrefixes.some((prefix) => path.startsWith(prefix))) return false;
  const accept = request.headers.accept ?? "";
  const htmlAt = accept.indexOf("text/html");
  if (htmlAt === -1) return false;
  const jsonAt = accept.indexOf("application/json");
  return jsonAt === -1 || htmlAt < jsonAt;
}

export interface ErrorHandlingOptions {
  /** The app's own error translations. */
  readonly map?: ProblemMapper;
  /** The page a person sees; without it every error answers JSON. */
  readonly renderPage?: (problem: Problem, request: FastifyRequest) => string;
  /** Paths that always answer JSON. @default ["/api/"] */
  readonly jsonPrefixes?: readonly string[];
}

/** Sends a Problem as a page or as JSON `{ error, message }`, with Retry-After when it has one. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem, options: ErrorHandlingOptions): FastifyReply {
  if (problem.retryAfterSeconds !== undefined) void reply.header("retry-after", String(Math.max(1, Math.ceil(problem.retryAfterSeconds))));
  void reply.code(problem.status).header("cache-control", "no-store");
  if (options.renderPage && prefersHtml(request, options.jsonPrefixes)) {
    return reply.type("text/html; charset=utf-8").send(options.renderPage(problem, request));
  }
  return reply.type("application/json; charset=utf-8").send({ error: problem.code, message: problem.message });
}

/** Installs the error and not-found handlers on the server. */
export function installErrorHandling(server: FastifyInstance, options: ErrorHandlingOptions = {}): void {
  server.setErrorHandler((error, request, reply) => {
    const problem = problemFor(error, options.map);
    if (problem.status >= 500 && problem === INTERNAL_ERROR) request.log.error({ err: error }, "request failed");
    else if (problem.status >= 500) request.log.warn({ err: error, code: problem.code }, "a dependency failed");
    return sendProblem(request, reply, problem, options);
  });
  server.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, { status: 404, code: "not_found", message: `There is nothing at ${request.url.split("?")[0] ?? "/"}.` }, options),
  );
}
