/**
 * The composition root of the web process: the dashboard, /admin and
 * /health on the shared Fastify server. Tests build it in-process with their
 * own environment and fakes.
 */
import fastifyFormbody from "@fastify/formbody";
import type { FastifyInstance } from "fastify";
import type { JWTVerifyGetKey } from "jose";
import type { DestinationStream } from "pino";
import { createPool } from "./db.js";
import type { Env } from "./env.js";
import { createLogger } from "./logger.js";
import { adminRoutes } from "./routes/admin.js";
import { dashboardRoutes } from "./routes/dashboard.js";
import { PROFILES, steamApis, type ClientOverrides } from "./services.js";
import { accessGuard } from "./shared/web/access.js";
import { installErrorHandling } from "./shared/web/errors.js";
import { healthRoute } from "./shared/web/health.js";
import { createWebServer } from "./shared/web/server.js";
import { registerCsrfProtection } from "./web/csrf.js";
import { mapProblem } from "./web/problems.js";
import { renderProblemPage } from "./views/problem-page.js";

/** Admin forms carry a few fields; nothing else accepts a body. */
export const BODY_LIMIT_BYTES = 8 * 1024;

export interface AppOptions {
  readonly env: Env;
  /** Where log lines go. @default stdout */
  readonly logDestination?: DestinationStream;
  /** How the app reaches Steam's store (tests: no waiting). */
  readonly steam?: ClientOverrides;
  /** Cloudflare Access signing keys (tests: a local key set). @default fetched from the team domain */
  readonly accessKeys?: JWTVerifyGetKey;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { env } = options;
  const logger = createLogger({ level: env.LOG_LEVEL, dyno: env.DYNO, destination: options.logDestination });
  const pool = createPool(env, (error) => logger.error({ err: error }, "idle database connection failed"));
  const development = env.APP_ENV === "development";

  const server = createWebServer({ logger, bodyLimit: BODY_LIMIT_BYTES, onClose: () => pool.end() });
  installErrorHandling(server, { map: mapProblem, renderPage: renderProblemPage });
  await server.register(fastifyFormbody, { bodyLimit: BODY_LIMIT_BYTES });
  await registerCsrfProtection(server, { cookieSecrets: env.COOKIE_SECRET, secureCookie: !development });

  await server.register(healthRoute, {
    checks: [{ name: "database", probe: () => pool.query("SELECT 1") }],
    ...(env.HEROKU_RELEASE_VERSION ? { release: env.HEROKU_RELEASE_VERSION } : {}),
  });
  await server.register(dashboardRoutes, { pool });
  await server.register(adminRoutes, {
    pool,
    store: steamApis(env, PROFILES.quick, options.steam).store,
    guard: accessGuard({
      teamDomain: env.CF_ACCESS_TEAM_DOMAIN,
      audience: env.CF_ACCESS_AUD,
      development,
      ...(options.accessKeys ? { keys: options.accessKeys } : {}),
    }),
    fallbackIdentity: development ? "development" : "unknown",
    herokuApp: env.HEROKU_APP_NAME,
  });
  return server;
}
