/**
 * Heroku's router sends X-Request-ID; keep it so our lines match the router's,
 * else make one. (The same rule as shared/web/server.ts, without Fastify.)
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,200}$/;

export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers["x-request-id"];
  return typeof given === "string" && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
}
