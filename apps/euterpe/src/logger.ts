/**
 * One JSON object per line on stdout. Redaction lives here, not at call
 * sites: headers are never serialized, OAuth query parameters are masked and
 * token-, cookie- and URL-shaped fields are censored wherever they appear.
 */
import { pino, stdSerializers, stdTimeFunctions, type DestinationStream, type Logger } from "pino";

const CENSOR = "[Redacted]";

const SECRET_FIELDS = [
  "accessToken",
  "refreshToken",
  "access_token",
  "refresh_token",
  "authorization",
  "cookie",
  "set-cookie",
  "password",
  "databaseUrl",
  "DATABASE_URL",
  "connectionString",
  "clientSecret",
];

/** Exact paths (pino's redaction has no deep wildcard): top level and one or two levels down. */
export const REDACT_PATHS = [
  ...SECRET_FIELDS.map((field) => `["${field}"]`),
  ...SECRET_FIELDS.map((field) => `*["${field}"]`),
  ...SECRET_FIELDS.map((field) => `*.*["${field}"]`),
];

/** Query parameters that carry OAuth secrets on their way through /callback. */
const SECRET_QUERY_PARAMETERS = ["code", "state", "access_token", "refresh_token"];

/** The request URL with OAuth secrets in its query string masked. */
export function redactUrl(rawUrl: string): string {
  const queryStart = rawUrl.indexOf("?");
  if (queryStart === -1) return rawUrl;
  const query = new URLSearchParams(rawUrl.slice(queryStart + 1));
  for (const name of SECRET_QUERY_PARAMETERS) {
    if (query.has(name)) query.set(name, "REDACTED");
  }
  return `${rawUrl.slice(0, queryStart)}?${query.toString()}`;
}

interface SerializableRequest {
  method: string;
  url: string;
  ip?: string;
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: "euterpe" },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      serializers: {
        req: (request: SerializableRequest) => ({
          method: request.method,
          url: redactUrl(request.url),
          remoteAddress: request.ip,
        }),
        res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
        err: stdSerializers.err,
      },
    },
    destination,
  );
}
