/**
 * Every variable euterpe reads, validated once at boot. Fleet imports this
 * file to learn what the app needs, so it imports nothing but zod and the
 * shared building blocks (which import nothing but zod).
 */
import { z } from "zod";
import { baseUrl, herokuVars, integer, keyList, logLevel, parseEnv, text, url, variable } from "./shared/env.js";

/** The scopes the dashboard needs: profile, top items, recently played, playlists. */
export const DEFAULT_SPOTIFY_SCOPE =
  "user-read-recently-played user-top-read user-read-private user-read-email playlist-read-private playlist-read-collaborative";

/** A Fernet key: 32 bytes as URL-safe base64 with its one padding character. */
const FERNET_KEY_PATTERN = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]=$/;
const SCHEMA_NAME_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;
const HEX_SECRET_PATTERN = /^[0-9a-fA-F]{32,}$/;

const hexSecret = () =>
  z.string().regex(HEX_SECRET_PATTERN, "must be at least 32 hexadecimal characters (python -c \"import secrets; print(secrets.token_hex(32))\")");

function hasHost(value: string): boolean {
  try {
    return new URL(value).hostname !== "";
  } catch {
    return false;
  }
}

const postgresUrl = () => url("postgres:", "postgresql:").refine(hasHost, "must name the database host");

export const envSchema = z.object({
  // Heroku: NODE_ENV (production, the default, turns on Secure cookies), DYNO, release metadata.
  ...herokuVars,
  /** Port the web process listens on; Heroku sets it. */
  PORT: variable(integer(1, 65535).default(5000)),
  /** Which fleet stack this dyno belongs to; informational (logged at boot). */
  APP_ENV: variable(z.enum(["development", "staging", "production"]).optional()),
  /** The shared Postgres database; `postgres://` as Heroku gives it is accepted. */
  DATABASE_URL: variable(postgresUrl()),
  /** The schema holding every table of the app; never `public`. */
  DATABASE_SCHEMA: variable(
    z
      .string()
      .regex(SCHEMA_NAME_PATTERN, "must be a lowercase SQL identifier")
      .refine((name) => name !== "public" && !name.startsWith("pg_"), "must be the app's own schema, not public or a system schema")
      .default("euterpe"),
  ),
  /** Connections this dyno's pool may open at most. */
  PG_POOL_MAX: variable(integer(1, 100).default(5)),
  SPOTIFY_CLIENT_ID: variable(text()),
  SPOTIFY_CLIENT_SECRET: variable(text()),
  /** Must be registered in the Spotify dashboard and end in the app's `/callback` route. */
  SPOTIFY_REDIRECT_URI: variable(baseUrl().refine((value) => new URL(value).pathname === "/callback", "must end in /callback, the app's OAuth callback route")),
  SPOTIFY_SCOPE: variable(text().default(DEFAULT_SPOTIFY_SCOPE)),
  /** Signs and encrypts session cookies. */
  SECRET_KEY: variable(hexSecret()),
  /** The SECRET_KEY before the last rotation; sessions under it stay valid. */
  SECRET_KEY_PREVIOUS: variable(hexSecret().optional()),
  /** Fernet keys for tokens at rest, comma-separated, newest first. */
  ENCRYPTION_KEY: variable(
    keyList(FERNET_KEY_PATTERN, "a Fernet key: 32 bytes, URL-safe base64 (python -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\")"),
  ),
  /** How long a user's Spotify answers are reused before the dashboard asks again; 0 turns the cache off. */
  SPOTIFY_CACHE_SECONDS: variable(integer(0, 3600).default(300)),
  /** Requests one client (a signed-in user, else an address) may make per minute on one dyno; /health is exempt. */
  RATE_LIMIT_PER_MINUTE: variable(integer(1, 1_000_000).default(120)),
  SPOTIFY_ACCOUNTS_URL: variable(baseUrl().default("https://accounts.spotify.com")),
  SPOTIFY_API_URL: variable(baseUrl().default("https://api.spotify.com")),
  LOG_LEVEL: logLevel,
});

export type Env = z.output<typeof envSchema>;

export const APP_NAME = "euterpe";

/** Parses the raw environment or throws the shared EnvError naming every missing or invalid variable. */
export function loadEnv(raw: Readonly<Record<string, string | undefined>>): Env {
  return parseEnv(APP_NAME, envSchema, { ...raw });
}
