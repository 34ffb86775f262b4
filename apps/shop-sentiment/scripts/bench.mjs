#!/usr/bin/env node
// Figures for the fleet note: boot to listening, RSS after warm-up, and
// product reads per second with p50/p99 latency, served from the Redis cache
// and uncached (the same app with its Redis unreachable, as in an outage).
// Printed, not asserted. Runs the built JS (npm run bench builds first)
// against a throwaway database on the local Postgres and a throwaway key
// prefix on the local Redis, both removed at the end.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import pg from "pg";

const HELP = `Usage: npm run bench -- [--duration <seconds>] [--connections <n>] [--warmup <requests>]

Boots dist/server.js twice against a throwaway database (one with Redis, one
with Redis unreachable) and prints:
  boot to listening (ms), RSS at listening and after warm-up (MiB), and GET /api/v1/products/:id
  requests per second with p50 and p99 latency, cached vs uncached.

  --duration     seconds of load per run (default 5)
  --connections  concurrent keep-alive connections (default 16)
  --warmup       requests sent before measuring (default 1000)
  --help         this text

DATABASE_URL names the Postgres server (default postgres://postgres@127.0.0.1:5432/postgres);
REDIS_URL the Redis server (default redis://127.0.0.1:6379; only keys under a fresh prefix are touched).`;

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "16" },
    warmup: { type: "string", default: "1000" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const durationMs = Number(values.duration) * 1000;
const connections = Number(values.connections);
const warmup = Number(values.warmup);

const appDir = fileURLToPath(new URL("..", import.meta.url));
const serverUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const suffix = randomBytes(4).toString("hex");
const dbName = `shop_sentiment_bench_${suffix}`;
const keyPrefix = `shop-sentiment-bench:${suffix}:`;
const apiKey = randomBytes(32).toString("hex");

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

function request(agent, port, method, path, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        method,
        path,
        agent,
        headers: payload ? { "content-type": "application/json", authorization: `Bearer ${apiKey}`, "content-length": Buffer.byteLength(payload) } : {},
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode, cache: response.headers["x-cache"], text }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

function rssMiB(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : NaN;
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${dbName}`;
const env = {
  PATH: process.env.PATH,
  APP_ENV: "development",
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
  DATABASE_URL: dbUrl.toString(),
  DATABASE_SCHEMA: "shop_sentiment",
  PG_POOL_MAX: "5",
  REDIS_URL: redisUrl,
  REDIS_KEY_PREFIX: keyPrefix,
  SESSION_KEYS: randomBytes(32).toString("hex"),
  API_KEYS: apiKey,
  RATE_LIMIT_WRITES_PER_MINUTE: "10000",
};

/** Starts the web process; resolves once it listens and its sentiment model is loaded. */
async function startWeb(extraEnv) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ["dist/server.js"], { cwd: appDir, env: { ...env, ...extraEnv, PORT: String(port), LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "inherit"] });
  let bootMs = NaN;
  let listeningRss = NaN;
  await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line.includes('"msg":"listening"')) {
        bootMs = performance.now() - started;
        listeningRss = rssMiB(child.pid);
      }
      if (line.includes('"msg":"sentiment model loaded"')) resolve();
    });
  });
  return { child, port, bootMs, listeningRss };
}

async function stopWeb(web) {
  if (web && web.child.exitCode === null) {
    web.child.kill("SIGTERM");
    await new Promise((resolve) => web.child.once("exit", resolve));
  }
}

/** Warm-up, then `connections` loops of GET path for the duration; latencies in ms. */
async function load(port, path) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  for (let sent = 0; sent < warmup; sent += connections) {
    await Promise.all(Array.from({ length: connections }, () => request(agent, port, "GET", path)));
  }
  const latencies = [];
  const caches = {};
  let failed = 0;
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        const response = await request(agent, port, "GET", path);
        latencies.push(performance.now() - sent);
        caches[response.cache] = (caches[response.cache] ?? 0) + 1;
        if (response.status !== 200) failed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests_per_second: Math.round(latencies.length / seconds),
    p50_ms: Math.round(percentile(latencies, 50) * 100) / 100,
    p99_ms: Math.round(percentile(latencies, 99) * 100) / 100,
    non_200: failed,
    x_cache: caches,
  };
}

await admin(`CREATE DATABASE ${dbName}`);
let cachedWeb;
let uncachedWeb;
try {
  const release = spawnSync(process.execPath, ["dist/migrate.js"], { cwd: appDir, env, encoding: "utf8" });
  if (release.status !== 0) throw new Error(`release failed: ${release.stdout}${release.stderr}`);

  cachedWeb = await startWeb({});
  const seedAgent = new http.Agent({ keepAlive: true });
  const product = JSON.parse((await request(seedAgent, cachedWeb.port, "POST", "/api/v1/products", { name: "Bench kettle", description: "Boils", price_cents: 2500 })).text);
  for (let index = 0; index < 20; index++) {
    await request(seedAgent, cachedWeb.port, "POST", `/api/v1/products/${product.id}/reviews`, { rating: (index % 5) + 1, text: index % 2 ? "Great kettle, love it" : "Leaks, rather bad" });
  }
  seedAgent.destroy();
  const path = `/api/v1/products/${product.id}`;

  const cached = await load(cachedWeb.port, path);
  const rss = rssMiB(cachedWeb.child.pid);
  await stopWeb(cachedWeb);

  // The same app with Redis unreachable: every read goes to Postgres.
  uncachedWeb = await startWeb({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
  const uncached = await load(uncachedWeb.port, path);

  const results = {
    boot_to_listening_ms: Math.round(cachedWeb.bootMs),
    rss_at_listening_mib: Math.round(cachedWeb.listeningRss * 10) / 10,
    rss_after_warmup_mib: Math.round(rss * 10) / 10,
    cached,
    uncached,
    cached_to_uncached_rps: Math.round((cached.requests_per_second / uncached.requests_per_second) * 100) / 100,
    connections,
    duration_s: durationMs / 1000,
    node: process.version,
  };
  console.log(`boot to listening:          ${results.boot_to_listening_ms} ms`);
  console.log(`RSS at listening:           ${results.rss_at_listening_mib} MiB (before the sentiment model loads)`);
  console.log(`RSS after warm-up:          ${results.rss_after_warmup_mib} MiB (sentiment model loaded)`);
  console.log(`product reads, cached:      ${cached.requests_per_second}/s, p50 ${cached.p50_ms} ms, p99 ${cached.p99_ms} ms (${cached.non_200} non-200)`);
  console.log(`product reads, uncached:    ${uncached.requests_per_second}/s, p50 ${uncached.p50_ms} ms, p99 ${uncached.p99_ms} ms (${uncached.non_200} non-200)`);
  console.log(`cached / uncached:          ${results.cached_to_uncached_rps}× (${connections} connections, ${results.duration_s} s each)`);
  console.log(JSON.stringify(results));
} finally {
  await stopWeb(cachedWeb);
  await stopWeb(uncachedWeb);
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, protocol: 2 });
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${keyPrefix}*`, "COUNT", 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
  redis.disconnect();
}
