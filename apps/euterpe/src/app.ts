/**
 * The composition root: builds the Fastify server from its parts. Tests
 * build it in-process with their own environment and fakes.
 */
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type pg from "pg";
import type { DestinationStream } from "pino";
import { createPool } from "./db.js";
import type { Env } from "./env.js";
import { handleError, handleNotFound } from "./errors.js";
import { FernetKeyring } from "./fernet.js";
import { createLogger } from "./logger.js";
import { authRoutes } from "./routes/auth.js";
import { dashboardRoutes } from "./routes/dashboard.js";
import { healthRoutes } from "./routes/health.js";
import { registerSession } from "./session.js";
import { createWebServer } from "./shared/web/server.js";
import { SpotifyAccounts } from "./spotify/accounts.js";
import { sleep, type SpotifyHttpOptions } from "./spotify/http.js";
import { SpotifyWebApi } from "./spotify/web-api.js";
import { TokenService } from "./tokens.js";
import { UserRepository } from "./users.js";

/** Nothing the app accepts has a body bigger than this. */
export const BODY_LIMIT_BYTES = 16 * 1024;

export interface AppOptions {
  readonly env: Env;
  /** Where log lines go. @default stdout */
  readonly logDestination?: DestinationStream;
  /** How the app reaches Spotify and waits out its rate limits. @default global fetch, real timers */
  readonly spotifyHttp?: Partial<SpotifyHttpOptions>;
  /** The clock, in seconds since the epoch. @default Date.now()/1000 */
  readonly nowSeconds?: () => number;
}

interface Services {
  readonly pool: pg.Pool;
  readonly users: UserRepository;
  readonly accounts: SpotifyAccounts;
  readonly webApi: SpotifyWebApi;
  readonly tokens: TokenService;
}

function createServices(options: AppOptions, logger: FastifyBaseLogger): Services {
  const { env } = options;
  const pool = createPool(env, (error) => logger.error({ err: error }, "idle database connection failed"));
  const users = new UserRepository(pool, new FernetKeyring(env.ENCRYPTION_KEY));
  const spotifyHttp: SpotifyHttpOptions = { fetch: globalThis.fetch, sleep, ...options.spotifyHttp };
  const accounts = new SpotifyAccounts(
    {
      accountsUrl: env.SPOTIFY_ACCOUNTS_URL,
      clientId: env.SPOTIFY_CLIENT_ID,
      clientSecret: env.SPOTIFY_CLIENT_SECRET,
      redirectUri: env.SPOTIFY_REDIRECT_URI,
      scope: env.SPOTIFY_SCOPE,
    },
    spotifyHttp,
  );
  const webApi = new SpotifyWebApi(env.SPOTIFY_API_URL, spotifyHttp);
  const tokens = new TokenService(users, accounts, options.nowSeconds ?? (() => Date.now() / 1000));
  return { pool, users, accounts, webApi, tokens };
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { env } = options;
  const logger = createLogger(env.LOG_LEVEL, options.logDestination);
  const { pool, users, accounts, webApi, tokens } = createServices(options, logger);

  const server = createWebServer({
    logger,
    bodyLimit: BODY_LIMIT_BYTES,
    onClose: () => pool.end(),
  });
  server.setErrorHandler(handleError);
  server.setNotFoundHandler(handleNotFound);

  await registerSession(server, env);
  await server.register(healthRoutes, { pool, schema: env.DATABASE_SCHEMA });
  await server.register(authRoutes, { accounts, webApi, users, tokens });
  await server.register(dashboardRoutes, { webApi, users, tokens });
  return server;
}
