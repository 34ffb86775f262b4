#!/usr/bin/env node
// Figures for the fleet note: boot to listening, RSS after warm-up, and
// product reads per second with p50/p99 latency, served from the Redis cache
// and uncached (the same app with its Redis unreachable, as in an outage).
// Printed, not asserted. Runs the built JS (npm run bench builds first)
// against a throwaway database on the local Postgres and a throwaway key
// prefix on the local Redis, both removed at the end.
import "../test/kit/typescript-hooks.mjs";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { fileURLToPath } from "node:url";

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

// The testkit is TypeScript: Node strips the types.
const { createTestDatabase } = await import("../test/kit/database.ts");
const { deleteKeysUnder, REDIS_URL, testKeyPrefix } = await import("../test/kit/redis.ts");
const { benchOptions, call, freePort, launch, load, percentile, release, round, rssMiB, stopProcess, warm } = await import("../test/kit/bench.ts");

const options = benchOptions(HELP, { duration: "5", connections: "16", warmup: "1000" });
const durationMs = options.duration * 1000;
const { connections, warmup } = options;

const appDir = fileURLToPath(new URL("..", import.meta.url));
const keyPrefix = testKeyPrefix("shop-sentiment-bench");
const apiKey = randomBytes(32).toString("hex");

/** A JSON API call with the bench's API key; the body kept. */
const api = (agent, port, method, path, json) =>
  call(agent, port, { method, path, json, readBody: true, headers: json === undefined ? {} : { authorization: `Bearer ${apiKey}` } });

const db = await createTestDatabase("shop_sentiment_bench");
const env = {
  PATH: process.env.PATH,
  APP_ENV: "development",
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
  DATABASE_URL: db.url,
  DATABASE_SCHEMA: "shop_sentiment",
  PG_POOL_MAX: "5",
  REDIS_URL,
  REDIS_KEY_PREFIX: keyPrefix,
  SESSION_KEYS: randomBytes(32).toString("hex"),
  API_KEYS: apiKey,
  RATE_LIMIT_WRITES_PER_MINUTE: "10000",
};

/** Starts the web process; resolves once it listens and its sentiment model is loaded. */
async function startWeb(extraEnv) {
  const port = await freePort();
  const web = launch(appDir, ["dist/server.js"], { ...env, ...extraEnv, PORT: String(port), LOG_LEVEL: "info" });
  const listening = web.lineContaining('"msg":"listening"');
  const modelLoaded = web.lineContaining('"msg":"sentiment model loaded"');
  const bootMs = await listening;
  const listeningRss = rssMiB(web.child.pid);
  await modelLoaded;
  return { child: web.child, port, bootMs, listeningRss };
}

/** Warm-up, then `connections` loops of GET path for the duration; latencies in ms, every answer counted. */
async function measure(port, path) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  await warm(warmup, connections, () => api(agent, port, "GET", path));
  const caches = {};
  let failed = 0;
  const { perSecond, latencies } = await load({
    connections,
    durationMs,
    served: () => true,
    async send() {
      const answer = await api(agent, port, "GET", path);
      caches[answer.headers["x-cache"]] = (caches[answer.headers["x-cache"]] ?? 0) + 1;
      if (answer.status !== 200) failed++;
      return answer;
    },
  });
  agent.destroy();
  return {
    requests_per_second: Math.round(perSecond),
    p50_ms: round(percentile(latencies, 50), 2),
    p99_ms: round(percentile(latencies, 99), 2),
    non_200: failed,
    x_cache: caches,
  };
}

let cachedWeb;
let uncachedWeb;
try {
  release(appDir, env);
  cachedWeb = await startWeb({});
  const seedAgent = new http.Agent({ keepAlive: true });
  const product = JSON.parse((await api(seedAgent, cachedWeb.port, "POST", "/api/v1/products", { name: "Bench kettle", description: "Boils", price_cents: 2500 })).text);
  for (let index = 0; index < 20; index++) {
    await api(seedAgent, cachedWeb.port, "POST", `/api/v1/products/${product.id}/reviews`, { rating: (index % 5) + 1, text: index % 2 ? "Great kettle, love it" : "Leaks, rather bad" });
  }
  seedAgent.destroy();
  const path = `/api/v1/products/${product.id}`;

  const cached = await measure(cachedWeb.port, path);
  const rss = rssMiB(cachedWeb.child.pid);
  await stopProcess(cachedWeb.child);

  // The same app with Redis unreachable: every read goes to Postgres.
  uncachedWeb = await startWeb({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
  const uncached = await measure(uncachedWeb.port, path);

  const results = {
    boot_to_listening_ms: Math.round(cachedWeb.bootMs),
    rss_at_listening_mib: round(cachedWeb.listeningRss),
    rss_after_warmup_mib: round(rss),
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
  await stopProcess(cachedWeb?.child);
  await stopProcess(uncachedWeb?.child);
  await db.drop();
  await deleteKeysUnder(keyPrefix);
}
