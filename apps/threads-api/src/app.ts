/**
 * The composition root: builds the Fastify server from its parts. Tests
 * build it in-process with their own environment, clock and fakes.
 */
import cookie from "@fastify/cookie";
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import type { JWTVerifyGetKey } from "jose";
import type { DestinationStream } from "pino";
import { Authenticator } from "./auth/authenticate.js";
import { SessionCookies } from "./auth/cookies.js";
import { OriginPolicy } from "./auth/origins.js";
import { RefreshFamilies } from "./auth/refresh-families.js";
import { SessionTokens } from "./auth/session-tokens.js";
import { TokenCipher } from "./auth/token-cipher.js";
import { AuditLog } from "./data/audit-log.js";
import { ReadCache } from "./data/cache.js";
import { PostQueries } from "./data/posts.js";
import { UserRepository } from "./data/users.js";
import { createPool, WEB_CONNECTION_TIMEOUT_MS } from "./db.js";
import type { Env } from "./env.js";
import { WorkQueue } from "./ingestion/work-queue.js";
import { createLogger } from "./logger.js";
import { JobMetrics } from "./metrics/job-metrics.js";
import { WebMetrics } from "./metrics/web-metrics.js";
import { closeRedis, createRedis, REDIS_AREAS } from "./redis.js";
import { adminRoutes } from "./routes/admin.js";
import { authRoutes } from "./routes/auth.js";
import { landingRoutes, renderProblemPage } from "./routes/landing.js";
import { meRoutes } from "./routes/me.js";
import { sleep } from "./shared/http/sleep.js";
import { accessGuard } from "./shared/web/access.js";
import { HttpProblem, installErrorHandling } from "./shared/web/errors.js";
import { healthRoute } from "./shared/web/health.js";
import { createWebServer } from "./shared/web/server.js";
import type { HttpOptions } from "./threads/http.js";
import { ThreadsGraph } from "./threads/graph.js";
import { credentialsOf, ThreadsOAuth } from "./threads/oauth.js";

/** Nothing the app accepts has a body bigger than this. */
export const BODY_LIMIT_BYTES = 16 * 1024;

export interface AppOptions {
  readonly env: Env;
  /** Where log lines go. @default stdout */
  readonly logDestination?: DestinationStream;
  /** How the app reaches Threads. @default global fetch, real timers */
  readonly threadsHttp?: Partial<HttpOptions>;
  /** The clock. @default new Date() */
  readonly now?: () => Date;
  /** Cloudflare Access signing keys; tests give a local key set. @default fetched from CF_ACCESS_TEAM_DOMAIN */
  readonly accessKeys?: JWTVerifyGetKey;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { env } = options;
  const now = options.now ?? (() => new Date());
  const logger = createLogger(env, options.logDestination);
  const pool = createPool(env, (error) => logger.error({ err: error }, "idle database connection failed"), { connectionTimeoutMs: WEB_CONNECTION_TIMEOUT_MS });
  const redis = createRedis(env, logger, { connectionName: "threads-api:web" });

  const http: HttpOptions = { fetch: globalThis.fetch, sleep, maxAttempts: 2, ...options.threadsHttp };
  const oauth = new ThreadsOAuth(credentialsOf(env), http);
  const graph = new ThreadsGraph(env.THREADS_API_BASE_URL, http);
  const tokens = new SessionTokens(env, now);
  const origins = new OriginPolicy(env.CORS_ALLOWED_ORIGINS, new URL(env.THREADS_REDIRECT_URI).origin);
  const cookies = new SessionCookies(env);
  const users = new UserRepository(pool, new TokenCipher(env.TOKEN_ENCRYPTION_KEYS));
  const families = new RefreshFamilies(pool, env.JWT_REFRESH_TTL_SECONDS, now);
  const auth = new Authenticator(tokens, origins, families);
  const queue = new WorkQueue(redis);
  const metrics = new WebMetrics(new JobMetrics(redis), () => queue.depths());

  const server = createWebServer({
    logger,
    bodyLimit: BODY_LIMIT_BYTES,
    onClose: async () => {
      await pool.end();
      await closeRedis(redis);
    },
  });
  const cache = new ReadCache(redis, env.REDIS_KEY_PREFIX, server.log);
  installErrorHandling(server, { renderPage: renderProblemPage(env.WEB_APP_URL), jsonPrefixes: ["/api/", "/admin/", "/health"] });
  metrics.install(server);

  await server.register(cookie);
  await server.register(cors, {
    origin: (origin, callback) => callback(null, origins.allowsCors(origin)),
    credentials: true,
    methods: ["GET", "POST", "DELETE"],
    allowedHeaders: ["authorization", "content-type"],
    maxAge: 600,
  });
  await server.register(rateLimit, {
    global: true,
    redis,
    nameSpace: REDIS_AREAS.rateLimit,
    max: env.RATE_LIMIT_MAX,
    timeWindow: env.RATE_LIMIT_WINDOW_SECONDS * 1000,
    // A signed-in caller is counted per user, everyone else per client IP.
    keyGenerator: async (request) => {
      const caller = await auth.callerOf(request);
      return caller ? `user:${caller.userId}` : `ip:${request.ip}`;
    },
    allowList: (request) => request.url.split("?")[0] === "/health",
    // A Redis outage must not take the API down with it; /health reports it.
    skipOnError: true,
    errorResponseBuilder: (_request, context) => {
      const seconds = Math.max(1, Math.ceil(context.ttl / 1000));
      return new HttpProblem(429, "rate_limited", `Too many requests; try again in ${seconds} s.`, seconds);
    },
  });

  await server.register(healthRoute, {
    checks: [
      { name: "database", probe: () => pool.query("SELECT 1") },
      { name: "redis", probe: () => redis.ping() },
    ],
    ...(env.HEROKU_RELEASE_VERSION ? { release: env.HEROKU_RELEASE_VERSION } : {}),
  });
  await server.register(landingRoutes, { webAppUrl: env.WEB_APP_URL });
  await server.register(authRoutes, { oauth, graph, users, families, tokens, cookies, origins, webAppUrl: env.WEB_APP_URL, now });
  await server.register(meRoutes, { auth, users, posts: new PostQueries(pool, env.TOXICITY_THRESHOLD), cache, cookies, redis, toxicityThreshold: env.TOXICITY_THRESHOLD });
  const guard = accessGuard({
    teamDomain: env.CF_ACCESS_TEAM_DOMAIN,
    audience: env.CF_ACCESS_AUD,
    development: env.APP_ENV === "development",
    ...(options.accessKeys ? { keys: options.accessKeys } : {}),
  });
  await server.register(adminRoutes, { guard, origins, metrics, audit: new AuditLog(pool), users, queue, cache, redis });
  return server;
}
