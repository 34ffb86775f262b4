#!/usr/bin/env node
// Figures for the fleet note: boot to listening, RSS after warm-up, and
// /api/v1/me/posts requests per second and p99 latency for a user with
// 10,000 scored posts (first page by score, and deep pages by recency).
// Printed, not asserted. Runs the built JS (npm run bench builds first)
// against a throwaway database on the local Postgres and a throwaway Redis
// prefix (DATABASE_URL and REDIS_URL name the servers).
import "../test/kit/typescript-hooks.mjs";
import { randomBytes, randomUUID } from "node:crypto";
import http from "node:http";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { RefreshFamilies } from "../dist/auth/refresh-families.js";
import { SessionTokens } from "../dist/auth/session-tokens.js";

const HELP = `Usage: npm run bench -- [--duration <seconds>] [--connections <n>] [--posts <n>] [--warmup <requests>]

Boots dist/server.js against a throwaway database holding one user with
--posts scored posts, and prints: boot to listening (ms), RSS after warm-up
(MiB), and for GET /api/v1/me/posts requests per second and p99 latency.

  --duration     seconds of load per scenario (default 5)
  --connections  concurrent keep-alive connections (default 16)
  --posts        scored posts of the user (default 10000)
  --warmup       requests sent before RSS is read (default 2000)
  --help         this text

DATABASE_URL names the Postgres server (default postgres://postgres@127.0.0.1:5432/postgres),
REDIS_URL the Redis server (default redis://127.0.0.1:6379).`;

// The testkit is TypeScript: Node strips the types.
const { createTestDatabase } = await import("../test/kit/database.ts");
const { deleteKeysUnder, REDIS_URL, testKeyPrefix } = await import("../test/kit/redis.ts");
const { benchOptions, call, load, percentile, release, round, rssMiB, startWeb, stopProcess, warm } = await import("../test/kit/bench.ts");

const options = benchOptions(HELP, { duration: "5", connections: "16", posts: "10000", warmup: "2000" });
const durationMs = options.duration * 1000;
const postCount = options.posts;
const { connections, warmup } = options;

const appDir = fileURLToPath(new URL("..", import.meta.url));
const redisPrefix = testKeyPrefix("threads-api-bench");
const schema = "threads_api";

/** The user and their posts, as ingestion leaves them: metrics, engagement, decayed score, toxicity. */
async function seed(databaseUrl) {
  const pool = new pg.Pool({ connectionString: databaseUrl, options: `-c search_path=${schema}`, max: 1 });
  try {
    const userId = randomUUID();
    await pool.query("INSERT INTO users (id, threads_user_id, username, display_name, last_ingested_at) VALUES ($1, '1000000001', 'bench', 'Bench', now())", [userId]);
    await pool.query(
      `INSERT INTO posts (id, user_id, text, permalink, media_type, published_at, likes, replies, reposts, quotes, views, engagement, engagement_score, toxicity, category_scores)
       SELECT 'bench' || n, $1, 'Benchmark post ' || n, 'https://www.threads.net/@bench/post/' || n, 'TEXT_POST', now() - n * interval '20 minutes',
              (n * 7) % 90, n % 11, n % 5, n % 3, 40 * n % 5000,
              ((n * 7) % 90) + 2 * (n % 11) + 3 * (n % 5) + 3 * (n % 3),
              (((n * 7) % 90) + 2 * (n % 11) + 3 * (n % 5) + 3 * (n % 3)) * exp(-0.1 * n / 3.0),
              (n % 100) / 100.0, jsonb_build_object('harassment', (n % 100) / 100.0)
       FROM generate_series(1, $2) AS n`,
      [userId, postCount],
    );
    await pool.query("ANALYZE posts");
    // A sign-in: authenticated requests check that its refresh family is still live.
    const { familyId } = await new RefreshFamilies(pool, 86400).start(userId);
    return { userId, familyId };
  } finally {
    await pool.end();
  }
}

/** `connections` loops of GET `pathFor(worker, sent)` for the duration. */
async function measure(agent, port, headers, pathFor) {
  const result = await load({ connections, durationMs, send: (worker, sent) => call(agent, port, { path: pathFor(worker, sent), headers }) });
  const { latencies } = result;
  return { rps: Math.round(result.perSecond), p50: percentile(latencies, 50), p99: percentile(latencies, 99), failed: result.failed, seconds: result.seconds };
}

const db = await createTestDatabase("threads_api_bench");
const secrets = { access: randomBytes(32).toString("hex"), refresh: randomBytes(32).toString("hex") };
const env = {
  PATH: process.env.PATH,
  APP_ENV: "production",
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
  DATABASE_URL: db.url,
  DATABASE_SCHEMA: schema,
  PG_POOL_MAX: "5",
  REDIS_URL,
  REDIS_KEY_PREFIX: redisPrefix,
  JWT_ACCESS_SECRET: secrets.access,
  JWT_REFRESH_SECRET: secrets.refresh,
  TOKEN_ENCRYPTION_KEYS: randomBytes(32).toString("base64"),
  CORS_ALLOWED_ORIGINS: "https://app.example.test",
  WEB_APP_URL: "https://app.example.test",
  THREADS_CLIENT_ID: "1",
  THREADS_CLIENT_SECRET: "bench",
  THREADS_REDIRECT_URI: "https://api.example.test/api/v1/auth/threads/callback",
  OPENAI_API_KEY: "bench",
  RATE_LIMIT_MAX: "100000",
};

let web;
try {
  release(appDir, env);
  const { userId, familyId } = await seed(env.DATABASE_URL);
  const tokens = new SessionTokens({ ...env, JWT_ACCESS_TTL_SECONDS: 3600, JWT_REFRESH_TTL_SECONDS: 86400 });
  const headers = { authorization: `Bearer ${(await tokens.signAccess(userId, familyId)).token}` };

  web = await startWeb(appDir, "dist/server.js", { ...env, LOG_LEVEL: "info" });
  const { port, bootMs } = web;

  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  await warm(warmup, connections, () => call(agent, port, { path: "/api/v1/me/posts?sort=score&perPage=20", headers }));
  const rss = rssMiB(web.child.pid);

  const firstPage = await measure(agent, port, headers, () => "/api/v1/me/posts?sort=score&page=1&perPage=20");
  const pages = Math.ceil(postCount / 20);
  const deepPages = await measure(agent, port, headers, (worker, sent) => `/api/v1/me/posts?sort=recent&page=${1 + ((worker * 7919 + sent * 104729) % pages)}&perPage=20`);
  const health = await measure(agent, port, {}, () => "/health");
  agent.destroy();

  const results = {
    boot_to_listening_ms: Math.round(bootMs),
    rss_after_warmup_mib: round(rss),
    posts: postCount,
    me_posts_first_page_rps: firstPage.rps,
    me_posts_first_page_p50_ms: round(firstPage.p50),
    me_posts_first_page_p99_ms: round(firstPage.p99),
    me_posts_any_page_rps: deepPages.rps,
    me_posts_any_page_p99_ms: round(deepPages.p99),
    health_rps: health.rps,
    non_200: firstPage.failed + deepPages.failed + health.failed,
    connections,
    duration_s: options.duration,
    node: process.version,
  };
  console.log(`boot to listening:           ${results.boot_to_listening_ms} ms`);
  console.log(`RSS after warm-up:           ${results.rss_after_warmup_mib} MiB`);
  console.log(`/api/v1/me/posts, page 1:    ${results.me_posts_first_page_rps} req/s, p50 ${results.me_posts_first_page_p50_ms} ms, p99 ${results.me_posts_first_page_p99_ms} ms (${postCount} scored posts)`);
  console.log(`/api/v1/me/posts, any page:  ${results.me_posts_any_page_rps} req/s, p99 ${results.me_posts_any_page_p99_ms} ms (sort=recent, pages 1-${pages})`);
  console.log(`/health:                     ${results.health_rps} req/s (${connections} connections, ${options.duration} s each, ${results.non_200} non-200 in all)`);
  console.log(JSON.stringify(results));
} finally {
  await stopProcess(web?.child);
  await db.drop();
  await deleteKeysUnder(redisPrefix);
}
