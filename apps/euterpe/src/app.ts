/**
 * The composition root: builds the Fastify server from its parts. Tests
 * build it in-process with their own environment and fakes.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from "fastify";
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
import { SpotifyAccounts } from "./spotify/accounts.js";
import { sleep, type SpotifyHttpOptions } from "./spotify/http.js";
import { SpotifyWebApi } from "./spotify/web-api.js";
import { TokenService } from "./tokens.js";
import { UserRepository } from "./users.js";

/** Above Heroku's 90 s router idle timeout, so the router never reuses a socket we are closing. */
export const KEEP_ALIVE_TIMEOUT_MS = 95_000;
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

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{8,200}$/;

/** Heroku's router sends X-Request-ID; keep it so our lines match the router's, else make one. */
function requestIdFor(request: IncomingMessage): string {
  const given = request.headers["x-request-id"];
  return typeof given === "string" && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
}

const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": "default-src 'none'; img-src https:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
};

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

/**
 * On close: answers still in flight close their connection (a kept-alive
 * socket would otherwise hold the process open for the whole keep-alive
 * timeout), then the pool closes.
 */
function closeGracefully(server: FastifyInstance, pool: pg.Pool): void {
  let closing = false;
  server.addHook("preClose", async () => {
    closing = true;
  });
  server.addHook("onSend", async (_request, reply) => {
    if (closing) void reply.header("connection", "close");
  });
  server.addHook("onClose", async () => {
    await pool.end();
  });
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { env } = options;
  const logger: FastifyBaseLogger = createLogger(env.LOG_LEVEL, options.logDestination);
  const { pool, users, accounts, webApi, tokens } = createServices(options, logger);

  const server = Fastify({
    loggerInstance: logger,
    genReqId: requestIdFor,
    logController: new LogController({ requestIdLogLabel: "request_id" }),
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    bodyLimit: BODY_LIMIT_BYTES,
    // Heroku's router is the one proxy in front of the dyno.
    trustProxy: true,
    return503OnClosing: true,
  });
  server.addHook("onRequest", async (request, reply) => {
    void reply.header("x-request-id", request.id).headers(SECURITY_HEADERS);
  });
  closeGracefully(server, pool);
  server.setErrorHandler(handleError);
  server.setNotFoundHandler(handleNotFound);

  await registerSession(server, env);
  await server.register(healthRoutes, { pool, schema: env.DATABASE_SCHEMA });
  await server.register(authRoutes, { accounts, webApi, users, tokens });
  await server.register(dashboardRoutes, { webApi, users, tokens });
  return server;
}
