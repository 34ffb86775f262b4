#!/usr/bin/env node
// Figures for the fleet note: boot to listening, RSS after warm-up, and
// /api/v1/me/posts requests per second and p99 latency for a user with
// 10,000 scored posts (first page by score, and deep pages by recency).
// Printed, not asserted. Runs the built JS (npm run bench builds first)
// against a throwaway database on the local Postgres and a throwaway Redis
// prefix (DATABASE_URL and REDIS_URL name the servers).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import pg from "pg";
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

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "16" },
    posts: { type: "string", default: "10000" },
    warmup: { type: "string", default: "2000" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const durationMs = Number(values.duration) * 1000;
const connections = Number(values.connections);
const postCount = Number(values.posts);
const warmup = Number(values.warmup);

const appDir = fileURLToPath(new URL("..", import.meta.url));
const serverUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const dbName = `threads_api_bench_${randomBytes(4).toString("hex")}`;
const redisPrefix = `threads-api-bench:${randomBytes(4).toString("hex")}:`;
const schema = "threads_api";

async function admin(sql) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function get(agent, port, path, headers) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.get({ host: "127.0.0.1", port, path, agent, headers }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode, ms: performance.now() - started }));
    });
    request.on("error", reject);
  });
}

function rssMiB(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : NaN;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

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
    return userId;
  } finally {
    await pool.end();
  }
}

async function load(agent, port, headers, pathFor) {
  const latencies = [];
  let failed = 0;
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async (_, worker) => {
      for (let sent = 0; performance.now() < deadline; sent++) {
        const { status, ms } = await get(agent, port, pathFor(worker, sent), headers);
        if (status === 200) latencies.push(ms);
        else failed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { rps: Math.round(latencies.length / seconds), p50: percentile(latencies, 50), p99: percentile(latencies, 99), failed, seconds };
}

const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${dbName}`;
const secrets = { access: randomBytes(32).toString("hex"), refresh: randomBytes(32).toString("hex") };
const env = {
  PATH: process.env.PATH,
  APP_ENV: "production",
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
  DATABASE_URL: dbUrl.toString(),
  DATABASE_SCHEMA: schema,
  PG_POOL_MAX: "5",
  REDIS_URL: redisUrl,
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

await admin(`CREATE DATABASE ${dbName}`);
let web;
try {
  const release = spawnSync(process.execPath, ["dist/migrate.js"], { cwd: appDir, env, encoding: "utf8" });
  if (release.status !== 0) throw new Error(`release failed: ${release.stdout}${release.stderr}`);
  const userId = await seed(env.DATABASE_URL);
  const tokens = new SessionTokens({ ...env, JWT_ACCESS_TTL_SECONDS: 3600, JWT_REFRESH_TTL_SECONDS: 86400 });
  const headers = { authorization: `Bearer ${(await tokens.signAccess(userId)).token}` };

  const port = await freePort();
  const started = performance.now();
  web = spawn(process.execPath, ["dist/server.js"], { cwd: appDir, env: { ...env, PORT: String(port), LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve, reject) => {
    web.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    createInterface({ input: web.stdout }).on("line", (line) => {
      if (line.includes('"msg":"listening"')) resolve();
    });
  });
  const bootMs = performance.now() - started;

  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  for (let sent = 0; sent < warmup; sent += connections) {
    await Promise.all(Array.from({ length: connections }, () => get(agent, port, "/api/v1/me/posts?sort=score&perPage=20", headers)));
  }
  const rss = rssMiB(web.pid);

  const firstPage = await load(agent, port, headers, () => "/api/v1/me/posts?sort=score&page=1&perPage=20");
  const pages = Math.ceil(postCount / 20);
  const deepPages = await load(agent, port, headers, (worker, sent) => `/api/v1/me/posts?sort=recent&page=${1 + ((worker * 7919 + sent * 104729) % pages)}&perPage=20`);
  const health = await load(agent, port, {}, () => "/health");
  agent.destroy();

  const round = (value) => Math.round(value * 10) / 10;
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
    duration_s: Number(values.duration),
    node: process.version,
  };
  console.log(`boot to listening:           ${results.boot_to_listening_ms} ms`);
  console.log(`RSS after warm-up:           ${results.rss_after_warmup_mib} MiB`);
  console.log(`/api/v1/me/posts, page 1:    ${results.me_posts_first_page_rps} req/s, p50 ${results.me_posts_first_page_p50_ms} ms, p99 ${results.me_posts_first_page_p99_ms} ms (${postCount} scored posts)`);
  console.log(`/api/v1/me/posts, any page:  ${results.me_posts_any_page_rps} req/s, p99 ${results.me_posts_any_page_p99_ms} ms (sort=recent, pages 1-${pages})`);
  console.log(`/health:                     ${results.health_rps} req/s (${connections} connections, ${values.duration} s each, ${results.non_200} non-200 in all)`);
  console.log(JSON.stringify(results));
} finally {
  if (web && web.exitCode === null) {
    web.kill("SIGTERM");
    await new Promise((resolve) => web.once("exit", resolve));
  }
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${redisPrefix}*`);
  if (keys.length > 0) await redis.unlink(...keys);
  await redis.quit();
}
