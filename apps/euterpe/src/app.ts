/**
 * The composition root: builds the Fastify server from its parts. Tests
 * build it in-process with their own environment and fakes.
 */
import formBody from "@fastify/formbody";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type pg from "pg";
import type { DestinationStream } from "pino";
import { createPool } from "./db.js";
import type { Env } from "./env.js";
import { FernetKeyring } from "./fernet.js";
import { ListeningService } from "./listening.js";
import { createLogger } from "./logger.js";
import { euterpeProblem } from "./problems.js";
import { registerRateLimit } from "./rate-limit.js";
import { authRoutes } from "./routes/auth.js";
import { dashboardRoutes } from "./routes/dashboard.js";
import { healthRoutes } from "./routes/health.js";
import { registerSession } from "./session.js";
import { sleep } from "./shared/http/sleep.js";
import { installErrorHandling } from "./shared/web/errors.js";
import { createWebServer, DEFAULT_SECURITY_HEADERS } from "./shared/web/server.js";
import { SpotifyAccounts } from "./spotify/accounts.js";
import type { SpotifyHttpOptions } from "./spotify/http.js";
import { SpotifyWebApi } from "./spotify/web-api.js";
import { TIME_ZONE_SCRIPT_CSP } from "./time-zone.js";
import { TokenService } from "./tokens.js";
import { UserRepository } from "./users.js";
import { renderProblemPage } from "./views/problem-page.js";

/** Nothing the app accepts has a body bigger than this. */
export const BODY_LIMIT_BYTES = 16 * 1024;

/** The shared headers, with the one inline script every page carries (the time-zone cookie) allowed by its hash. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  ...DEFAULT_SECURITY_HEADERS,
  "content-security-policy": `${DEFAULT_SECURITY_HEADERS["content-security-policy"]}; script-src ${TIME_ZONE_SCRIPT_CSP}`,
};

/** Routes for machines: always JSON, whatever the Accept header says. */
const JSON_PATHS = ["/health", "/db_check"];

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
  readonly listening: ListeningService;
  readonly nowMs: () => number;
}

function createServices(options: AppOptions, logger: FastifyBaseLogger): Services {
  const { env } = options;
  const nowSeconds = options.nowSeconds ?? (() => Date.now() / 1000);
  const nowMs = () => nowSeconds() * 1000;
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
  const tokens = new TokenService(users, accounts, nowSeconds);
  const listening = new ListeningService({ webApi, tokens, cacheSeconds: env.SPOTIFY_CACHE_SECONDS, nowMs });
  return { pool, users, accounts, webApi, tokens, listening, nowMs };
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { env } = options;
  const logger = createLogger(env.LOG_LEVEL, options.logDestination);
  const { pool, users, accounts, webApi, tokens, listening, nowMs } = createServices(options, logger);

  const server = createWebServer({
    logger,
    bodyLimit: BODY_LIMIT_BYTES,
    securityHeaders: SECURITY_HEADERS,
    onClose: () => pool.end(),
  });
  installErrorHandling(server, { map: euterpeProblem, renderPage: renderProblemPage, jsonPrefixes: JSON_PATHS });

  // Order matters: the session first (forms and the rate limit's key read it), the rate limit before any route.
  await registerSession(server, env);
  // HTML forms post urlencoded bodies (within the server's body limit).
  await server.register(formBody);
  await registerRateLimit(server, env.RATE_LIMIT_PER_MINUTE);
  await server.register(healthRoutes, { pool, schema: env.DATABASE_SCHEMA });
  await server.register(authRoutes, { accounts, webApi, users, tokens, listening });
  await server.register(dashboardRoutes, { listening, users, nowMs });
  return server;
}
