/**
 * Every variable euterpe reads, validated once at boot. Fleet imports this
 * file to learn what the app needs, so it imports nothing but zod.
 */
import { z } from "zod";

/** The scopes the dashboard needs: profile, top items, recently played, playlists. */
export const DEFAULT_SPOTIFY_SCOPE =
  "user-read-recently-played user-top-read user-read-private user-read-email playlist-read-private playlist-read-collaborative";

/** A Fernet key: 32 bytes as URL-safe base64 with its one padding character. */
const FERNET_KEY_PATTERN = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]=$/;
const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;
const HEX_SECRET_PATTERN = /^[0-9a-fA-F]{32,}$/;

/** Heroku and `.env` files leave variables present but blank; treat those as unset. */
function blankAsUnset(value: unknown): unknown {
  return typeof value === "string" && value.trim() === "" ? undefined : value;
}

function variable<T extends z.ZodType>(schema: T) {
  return z.preprocess(blankAsUnset, schema);
}

const hexSecret = z
  .string()
  .regex(HEX_SECRET_PATTERN, "must be at least 32 hexadecimal characters (python -c \"import secrets; print(secrets.token_hex(32))\")");

const httpUrl = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL" })
  .transform((url) => url.replace(/\/+$/, ""));

function wholeNumber(min: number, max: number) {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

const postgresUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "";
  } catch {
    return false;
  }
}, "must be a postgres:// or postgresql:// URL with a host");

const fernetKeyList = z
  .string()
  .transform((value) => value.split(",").map((key) => key.trim()).filter((key) => key !== ""))
  .refine((keys) => keys.length > 0, "must hold at least one Fernet key")
  .refine(
    (keys) => keys.every((key) => FERNET_KEY_PATTERN.test(key)),
    "every comma-separated entry must be a Fernet key: 32 bytes, URL-safe base64 (python -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\")",
  );

export const envSchema = z.object({
  /** Port the web process listens on; Heroku sets it. */
  PORT: variable(wholeNumber(1, 65535).default(5000)),
  /** `production` (the default, as on Heroku) turns on Secure cookies. */
  NODE_ENV: variable(z.enum(["production", "development", "test"]).default("production")),
  /** Which fleet stack this dyno belongs to; informational (logged at boot). */
  APP_ENV: variable(z.enum(["staging", "production", "development"]).optional()),
  /** The shared Postgres database; `postgres://` as Heroku gives it is accepted. */
  DATABASE_URL: variable(postgresUrl),
  /** The schema holding every table of the app; never `public`. */
  DATABASE_SCHEMA: variable(
    z
      .string()
      .regex(SCHEMA_NAME_PATTERN, "must be a lowercase SQL identifier")
      .refine((name) => name !== "public" && !name.startsWith("pg_"), "must be the app's own schema, not public or a system schema")
      .default("euterpe"),
  ),
  /** Connections this dyno's pool may open at most. */
  PG_POOL_MAX: variable(wholeNumber(1, 100).default(5)),
  SPOTIFY_CLIENT_ID: variable(z.string()),
  SPOTIFY_CLIENT_SECRET: variable(z.string()),
  /** Must be registered in the Spotify dashboard and end in the app's `/callback` route. */
  SPOTIFY_REDIRECT_URI: variable(
    httpUrl.refine((url) => new URL(url).pathname === "/callback", "must end in /callback, the app's OAuth callback route"),
  ),
  SPOTIFY_SCOPE: variable(z.string().default(DEFAULT_SPOTIFY_SCOPE)),
  /** Signs and encrypts session cookies. */
  SECRET_KEY: variable(hexSecret),
  /** The SECRET_KEY before the last rotation; sessions under it stay valid. */
  SECRET_KEY_PREVIOUS: variable(hexSecret.optional()),
  /** Fernet keys for tokens at rest, comma-separated, newest first. */
  ENCRYPTION_KEY: variable(fernetKeyList),
  SPOTIFY_ACCOUNTS_URL: variable(httpUrl.default("https://accounts.spotify.com")),
  SPOTIFY_API_URL: variable(httpUrl.default("https://api.spotify.com")),
  LOG_LEVEL: variable(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info")),
});

export type Env = z.output<typeof envSchema>;

/** One variable that is missing or invalid: its name and what is wrong, never its value. */
export interface EnvProblem {
  readonly variable: string;
  readonly problem: string;
}

export class EnvError extends Error {
  readonly problems: readonly EnvProblem[];

  constructor(problems: readonly EnvProblem[]) {
    super(
      `Invalid environment (${problems.length} variable${problems.length === 1 ? "" : "s"}):\n` +
        problems.map(({ variable, problem }) => `  - ${variable}: ${problem}`).join("\n"),
    );
    this.name = "EnvError";
    this.problems = problems;
  }
}

/** Parses the raw environment or throws an EnvError naming every missing or invalid variable. */
export function loadEnv(raw: Readonly<Record<string, string | undefined>>): Env {
  const result = envSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = new Map<string, string>();
  for (const issue of result.error.issues) {
    const name = String(issue.path[0] ?? "(environment)");
    if (problems.has(name)) continue;
    problems.set(name, raw[name] === undefined || raw[name]?.trim() === "" ? "is required but unset or empty" : issue.message);
  }
  throw new EnvError([...problems].map(([variable, problem]) => ({ variable, problem })));
}
