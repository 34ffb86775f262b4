/**
 * One JSON object per line on stdout. Redaction lives here, not at call
 * sites: headers are never serialized, secret query parameters are masked and
 * token-, cookie-, key- and URL-shaped fields are censored wherever they appear
 * (top level and two levels down: pino's redaction has no deep wildcard).
 */
import { pino, stdSerializers, stdTimeFunctions, type DestinationStream, type Logger } from "pino";

export type { Logger } from "pino";

const CENSOR = "[Redacted]";

/** Field names whose values never reach a log line. */
export const SECRET_FIELDS = [
  "accessToken",
  "refreshToken",
  "access_token",
  "refresh_token",
  "idToken",
  "id_token",
  "token",
  "apiKey",
  "api_key",
  "authorization",
  "cookie",
  "set-cookie",
  "password",
  "secret",
  "clientSecret",
  "client_secret",
  "databaseUrl",
  "DATABASE_URL",
  "redisUrl",
  "REDIS_URL",
  "connectionString",
  "session",
  "sessionString",
];

export const REDACT_PATHS = [
  ...SECRET_FIELDS.map((field) => `["${field}"]`),
  ...SECRET_FIELDS.map((field) => `*["${field}"]`),
  ...SECRET_FIELDS.map((field) => `*.*["${field}"]`),
];

/** Query parameters that carry OAuth codes, states and tokens. */
export const SECRET_QUERY_PARAMETERS = ["code", "state", "access_token", "refresh_token", "token", "api_key", "key"];

/** A request URL with secret query parameters masked. */
export function redactUrl(rawUrl: string, secretParameters: readonly string[] = SECRET_QUERY_PARAMETERS): string {
  const queryStart = rawUrl.indexOf("?");
  if (queryStart === -1) return rawUrl;
  const query = new URLSearchParams(rawUrl.slice(queryStart + 1));
  for (const name of secretParameters) {
    if (query.has(name)) query.set(name, "REDACTED");
  }
  return `${rawUrl.slice(0, queryStart)}?${query.toString()}`;
}

export interface LoggerOptions {
  /** The app's name, on every line (`app`). */
  readonly app: string;
  readonly level: string;
  /** Fields on every line besides `app`, e.g. `{ env: "staging", dyno: "web.1" }`. */
  readonly base?: Readonly<Record<string, string | undefined>>;
  /** Where lines go. @default stdout */
  readonly destination?: DestinationStream;
}

interface SerializableRequest {
  readonly method: string;
  readonly url: string;
  readonly ip?: string;
}

export function createLogger(options: LoggerOptions): Logger {
  const base: Record<string, string> = { app: options.app };
  for (const [key, value] of Object.entries(options.base ?? {})) if (value !== undefined) base[key] = value;
  return pino(
    {
      level: options.level,
      base,
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      serializers: {
        req: (request: SerializableRequest) => ({ method: request.method, url: redactUrl(request.url), remoteAddress: request.ip }),
        res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
        err: stdSerializers.err,
      },
    },
    options.destination,
  );
}
