/**
 * The web dyno's HTTP server around Next.js's request handler: Heroku's
 * request id on the request (pages forward it to the API) and the answer,
 * one JSON log line per request (/health at debug), keep-alive above the
 * router's idle timeout, a body limit, requests held until Next.js is ready,
 * and a close that lets requests in flight finish.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Logger } from "pino";
import { redactUrl } from "./shared/log.js";
import { requestIdFor } from "./request-id.js";

/** Above Heroku's 90 s router idle timeout, so the router never reuses a socket we are closing. */
export const KEEP_ALIVE_TIMEOUT_MS = 95_000;
/** The site's forms are a few fields; nothing larger is ever sent. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export interface HttpServerOptions {
  readonly logger: Logger;
  /** Resolves with Next.js's handler once it is prepared; requests wait for it. */
  readonly handler: Promise<RequestHandler>;
  /** Paths logged at debug instead of info (uptime checks hit them all day). @default ["/health"] */
  readonly quietPaths?: readonly string[];
}

export interface HttpServer {
  readonly server: http.Server;
  /** Stops accepting, finishes requests in flight, then resolves. */
  close(): Promise<void>;
}

export function createHttpServer(options: HttpServerOptions): HttpServer {
  const quietPaths = new Set(options.quietPaths ?? ["/health"]);
  const inFlight = new Set<ServerResponse>();
  let closing = false;

  const server = http.createServer((request, response) => {
    const started = performance.now();
    const requestId = requestIdFor(request);
    request.headers["x-request-id"] = requestId;
    response.setHeader("x-request-id", requestId);
    if (closing) response.setHeader("connection", "close");
    inFlight.add(response);
    response.on("close", () => {
      inFlight.delete(response);
      const path = (request.url ?? "/").split("?")[0] ?? "/";
      const fields = {
        request_id: requestId,
        req: { method: request.method, url: redactUrl(request.url ?? "/") },
        res: { statusCode: response.statusCode },
        responseTimeMs: Math.round(performance.now() - started),
      };
      if (quietPaths.has(path)) options.logger.debug(fields, "request completed");
      else options.logger.info(fields, "request completed");
      if (closing) server.closeIdleConnections();
    });

    const length = Number(request.headers["content-length"] ?? 0);
    if (length > BODY_LIMIT_BYTES) {
      response.writeHead(413, { "content-type": "text/plain; charset=utf-8", connection: "close" });
      response.end(`Request body too large: at most ${BODY_LIMIT_BYTES} bytes.\n`);
      return;
    }
    options.handler
      .then((handle) => handle(request, response))
      .catch((error: unknown) => {
        options.logger.error({ err: error, request_id: requestId }, "request handler failed");
        if (!response.headersSent) response.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        response.end("Internal error.\n");
      });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // The usual advice behind a load balancer: headers timeout above the keep-alive timeout.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;

  return {
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing = true;
        // Answers not yet started close their connection instead of keeping it alive.
        for (const response of inFlight) if (!response.headersSent) response.setHeader("connection", "close");
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
