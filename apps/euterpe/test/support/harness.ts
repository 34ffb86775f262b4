/**
 * Builds the pieces most tests need: a database with the app's migrations,
 * the fake Spotify, the app listening on loopback, and a browser logged in
 * through the fake's consent screen.
 */
import { buildApp, type AppOptions } from "../../src/app.js";
import { loadEnv, type Env } from "../../src/env.js";
import { createLogger } from "../../src/logger.js";
import { runMigrations } from "../../src/migrator.js";
import type { Browser } from "../kit/browser.js";
import { listenOnLoopback, type RunningApp } from "../kit/web-app.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
import { FakeSpotify } from "./fake-spotify.js";
import type { FakeUserProfile } from "./spotify-data.js";

export { Browser, csrfTokenIn } from "../kit/browser.js";
export { freePort } from "../kit/net.js";
export type { RunningApp } from "../kit/web-app.js";

/** Two fixed Fernet keys (32 bytes each, URL-safe base64). */
export const KEY_A = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
export const KEY_B = "2c1Pl1Cu0B6WR5mPr0mEYDgu-PFBUYdFaWOvAGYX5KQ=";
/** A key the app under test is never given: rows under it are unreadable to the app. */
export const KEY_C = "4e6VKVAa7GOyThOGBeUslOJYEo6jDEDLNFmdqn88Nvg=";
export const SECRET_KEY = "6f0c2d1a9b8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a";
export const OTHER_SECRET_KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
export const CLIENT_ID = "fake-client-id";
export const CLIENT_SECRET = "fake-client-secret";
export const REDIRECT_URI = "http://127.0.0.1:5000/callback";

export const ALICE: FakeUserProfile = { id: "alice", displayName: "Alice Liddell", email: "alice@example.com", tag: "Aurora" };
export const BOB: FakeUserProfile = { id: "bob", displayName: "Bob <Builder> & Sons", email: "bob@example.com", tag: "Basalt" };

export const silentLogger = createLogger("silent");

export function testEnv(databaseUrl: string, spotifyUrl: string, overrides: Record<string, string | undefined> = {}): Env {
  return loadEnv({
    DATABASE_URL: databaseUrl,
    SPOTIFY_CLIENT_ID: CLIENT_ID,
    SPOTIFY_CLIENT_SECRET: CLIENT_SECRET,
    SPOTIFY_REDIRECT_URI: REDIRECT_URI,
    SECRET_KEY,
    ENCRYPTION_KEY: KEY_A,
    SPOTIFY_ACCOUNTS_URL: spotifyUrl,
    SPOTIFY_API_URL: spotifyUrl,
    NODE_ENV: "test",
    LOG_LEVEL: "silent",
    // Tests make many requests from one address; the rate-limit test sets its own.
    RATE_LIMIT_PER_MINUTE: "100000",
    ...overrides,
  });
}

/** Builds the app and listens on loopback (`port` 0: any free port). */
export async function startApp(options: AppOptions, port = 0): Promise<RunningApp> {
  return listenOnLoopback(await buildApp(options), port);
}

/** A database with the app's migrations applied, and the fake Spotify. */
export interface Suite {
  readonly db: TestDatabase;
  readonly fake: FakeSpotify;
  env(overrides?: Record<string, string | undefined>): Env;
  close(): Promise<void>;
}

export async function startSuite(label: string, users: readonly FakeUserProfile[] = [ALICE, BOB]): Promise<Suite> {
  const db = await createTestDatabase(label);
  await runMigrations({ DATABASE_URL: db.url, DATABASE_SCHEMA: "euterpe" }, silentLogger);
  const fake = await FakeSpotify.start({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, users });
  return {
    db,
    fake,
    env: (overrides) => testEnv(db.url, fake.url, overrides),
    async close() {
      await fake.close();
      await db.drop();
    },
  };
}

/** Logs `browser` in as `user` through the fake's consent screen; returns the callback's response. */
export async function logIn(browser: Browser, fake: FakeSpotify, user: FakeUserProfile): Promise<Response> {
  const login = await browser.get("/login/spotify");
  const authorizeUrl = login.headers.get("location");
  if (login.status !== 302 || !authorizeUrl) throw new Error(`/login/spotify answered ${login.status}`);
  const callback = await fake.approve(authorizeUrl, user.id);
  return browser.get(`${callback.pathname}${callback.search}`);
}
