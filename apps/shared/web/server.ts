/**
 * The Fastify server every web app starts from: Heroku's request id on every
 * log line and answer, keep-alive above the router's idle timeout, a body
 * limit, security headers, one log line per request (health checks only at
 * debug), and a graceful close that finishes requests in flight before the
 * app's own resources (pools, clients) close.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Logger } from "pino";

/** Above Heroku's 90 s router idle timeout, so the router never reuses a socket we are closing. */
export const KEEP_ALIVE_TIMEOUT_MS = 95_000;

/** Headers every answer carries unless the app gives its own set. */
export const DEFAULT_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "default-src 'none'; img-src 'self' https:; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
};

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,200}$/;

/** Heroku's router sends X-Request-ID; keep it so our lines match the router's, else make one. */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers["x-request-id"];
  return typeof given === "string" && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
}

export interface WebServerOptions {
  readonly logger: Logger;
  /** Largest request body accepted, in bytes. @default 16 KiB */
  readonly bodyLimit?: number;
  /** @default DEFAULT_SECURITY_HEADERS */
  readonly securityHeaders?: Readonly<Record<string, string>>;
  /** Paths logged at debug instead of info (uptime checks hit them all day). @default ["/health"] */
  readonly quietPaths?: readonly string[];
  /** Runs after the last request has finished: close pools and clients here. */
  readonly onClose?: () => Promise<void>;
}

export function createWebServer(options: WebServerOptions): FastifyInstance {
  const logger: FastifyBaseLogger = options.logger;
  const quietPaths = new Set(options.quietPaths ?? ["/health"]);
  const securityHeaders = options.securityHeaders ?? DEFAULT_SECURITY_HEADERS;
  const server = Fastify({
    loggerInstance: logger,
    genReqId: requestIdFor,
    // One line per request, written by the onResponse hook below (quiet paths at debug).
    logController: new LogController({ requestIdLogLabel: "request_id", disableRequestLogging: true }),
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    bodyLimit: options.bodyLimit ?? 16 * 1024,
    // Heroku's router is the one proxy in front of the dyno: `request.ip` is the address it
    // saw (the right-most X-Forwarded-For entry), which a client cannot forge. Behind
    // Cloudflare's proxy that is a Cloudflare edge address.
    trustProxy: (_address: string, hop: number) => hop === 0,
    return503OnClosing: true,
  });

  // Hooks every request runs are callback-style: no promise and no extra tick per request.
  server.addHook("onRequest", (request, reply, done) => {
    void reply.header("x-request-id", request.id).headers(securityHeaders);
    done();
  });
  server.addHook("onResponse", (request, reply, done) => {
    const path = request.url.split("?")[0] ?? "";
    const level = quietPaths.has(path) ? "debug" : "info";
    // Uptime checks all day long: at info, a quiet path's line is not even built.
    // request.log is a child of the pino logger this server was given.
    const log = request.log as Logger;
    if (log.isLevelEnabled(level)) {
      const fields = {
        req: { method: request.method, url: request.url, ip: request.ip },
        res: { statusCode: reply.statusCode },
        responseTimeMs: Math.round(reply.elapsedTime),
      };
      log[level](fields, "request completed");
    }
    done();
  });

  // On close: answers still in flight close their connection (a kept-alive
  // socket would otherwise hold the process open for the whole keep-alive
  // timeout), then the app's resources close.
  let closing = false;
  server.addHook("preClose", async () => {
    closing = true;
  });
  server.addHook("onSend", (_request, reply, payload, done) => {
    if (closing) void reply.header("connection", "close");
    done(null, payload);
  });
  if (options.onClose) {
    const close = options.onClose;
    server.addHook("onClose", async () => close());
  }
  return server;
}
