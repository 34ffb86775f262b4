/**
 * The composition root: builds the Fastify server from its parts. Tests
 * build it in-process with their own environment.
 */
import formbody from "@fastify/formbody";
import { serializerCompiler, validatorCompiler } from "@fastify/type-provider-zod";
import type { FastifyInstance } from "fastify";
import type { DestinationStream } from "pino";
import { ReadThroughCache } from "./cache.js";
import { Catalog } from "./catalog/catalog.js";
import { createPool } from "./db.js";
import type { Env } from "./env.js";
import { mapProblem } from "./errors.js";
import { createLogger } from "./logger.js";
import { registerWriteLimits, writeLimit } from "./rate-limit.js";
import { closeRedis, createRedis } from "./redis.js";
import { productRoutes } from "./routes/api-products.js";
import { reviewRoutes } from "./routes/api-reviews.js";
import { registerOpenApi } from "./routes/openapi.js";
import { pageRoutes } from "./routes/pages.js";
import { ApiKeyring } from "./security/api-keys.js";
import { registerSession } from "./security/session.js";
import { installWriteGuard } from "./security/write-guard.js";
import { SentimentAnalyzer } from "./sentiment.js";
import { installErrorHandling } from "./shared/web/errors.js";
import { healthRoute } from "./shared/web/health.js";
import { createWebServer } from "./shared/web/server.js";
import { renderErrorPage } from "./views/error-page.js";

/** A review's text is at most 5000 characters, up to 4 bytes each in UTF-8. */
export const BODY_LIMIT_BYTES = 32 * 1024;
export const API_VERSION = "1.0.0";

export interface AppOptions {
  readonly env: Env;
  /** Where log lines go. @default stdout */
  readonly logDestination?: DestinationStream;
  /** The sentiment model; the web process loads it once it listens. @default a new one, loaded on first use */
  readonly sentiment?: SentimentAnalyzer;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { env } = options;
  const logger = createLogger(env.LOG_LEVEL, options.logDestination, { env: env.APP_ENV, dyno: env.DYNO });
  const pool = createPool(env, (error) => logger.error({ err: error }, "idle database connection failed"));
  const redis = createRedis(env, logger);
  const cache = new ReadThroughCache(redis, { ttlSeconds: env.CACHE_TTL_SECONDS, logger });
  const catalog = new Catalog(pool, cache, options.sentiment ?? new SentimentAnalyzer());

  const server = createWebServer({
    logger,
    bodyLimit: BODY_LIMIT_BYTES,
    onClose: async () => {
      await Promise.all([pool.end(), closeRedis(redis)]);
    },
  });
  server.setValidatorCompiler(validatorCompiler);
  server.setSerializerCompiler(serializerCompiler);
  installErrorHandling(server, { map: mapProblem, renderPage: renderErrorPage });

  await server.register(formbody, { bodyLimit: BODY_LIMIT_BYTES });
  await registerSession(server, env);
  installWriteGuard(server, new ApiKeyring(env.API_KEYS));
  await registerWriteLimits(server, { redis, logger, writesPerMinute: env.RATE_LIMIT_WRITES_PER_MINUTE });
  await registerOpenApi(server, API_VERSION);

  await server.register(healthRoute, {
    checks: [
      { name: "database", probe: () => pool.query("SELECT 1") },
      // The app serves uncached without Redis: its failure degrades, it does not fail.
      { name: "redis", probe: () => redis.ping(), optional: true },
    ],
    ...(env.HEROKU_RELEASE_VERSION !== undefined ? { release: env.HEROKU_RELEASE_VERSION } : {}),
  });
  const routeOptions = { catalog, writeLimit: writeLimit(env.RATE_LIMIT_WRITES_PER_MINUTE) };
  await server.register(productRoutes, { prefix: "/api/v1", ...routeOptions });
  await server.register(reviewRoutes, { prefix: "/api/v1", ...routeOptions });
  await server.register(pageRoutes, routeOptions);
  return server;
}
