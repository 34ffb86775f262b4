/**
 * One-off: retires every cached entry of the app (on every dyno at once) by
 * renewing the cache epoch. Run it after restoring the database
 * (`heroku run node dist/reset-cache.js`), so no dyno serves what the restored
 * database no longer holds. Rate-limit counters are left alone. Exits 0 when
 * done, 1 when Redis cannot be reached.
 */
import { ReadThroughCache } from "./cache.js";
import { loadEnv } from "./env.js";
import { APP_NAME, createLogger } from "./logger.js";
import { closeRedis, createRedis } from "./redis.js";
import { runJob } from "./shared/job.js";

await runJob({
  app: APP_NAME,
  name: "reset-cache",
  loadEnv: () => loadEnv(process.env),
  createLogger: (env) => createLogger(env.LOG_LEVEL),
  open(env, logger) {
    const redis = createRedis(env, logger);
    return { redis, close: () => closeRedis(redis) };
  },
  failure: "could not reset the cache",
  async work({ env, logger, redis }) {
    await new Promise<void>((resolve, reject) => {
      redis.once("ready", resolve);
      // A one-off job: the first failed attempt ends it (run it again), no background retries.
      redis.once("error", reject);
      setTimeout(() => reject(new Error("Redis did not answer within 10 s")), 10_000).unref();
    });
    await new ReadThroughCache(redis, { ttlSeconds: env.CACHE_TTL_SECONDS, logger }).retireAll();
    logger.info({ keyPrefix: env.REDIS_KEY_PREFIX }, "every cached entry retired");
    return 0;
  },
});
