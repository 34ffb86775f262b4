#!/usr/bin/env node
// Figures for the fleet note, printed, not asserted. Runs the built JS (npm
// run bench builds first) against a throwaway database on the local Postgres
// (DATABASE_URL names the server; default postgres@127.0.0.1:5432) and the
// fake Spotify of the tests (in this process):
//   - boot to listening, RSS after warm-up;
//   - /health requests per second, as a ratio to a bare Fastify + pg `SELECT 1`
//     server measured in the same run (rounds interleaved, so both see the same
//     machine), and the same ratio for the server's CPU time per request: on a
//     busy machine the load generator shares the cores, and CPU per request is
//     what decides how much a dyno can serve;
//   - the dashboard of a logged-in user: requests per second and latency
//     percentiles with the Spotify cache warm, and with it off (every view
//     costs four Spotify calls).
import "../test/kit/typescript-hooks.mjs";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { fileURLToPath } from "node:url";

const HELP = `Usage: npm run bench -- [--duration <seconds>] [--connections <n>] [--rounds <n>] [--warmup <requests>]

Boots dist/server.js (and a bare Fastify + pg server to compare with) against a
throwaway database and the tests' fake Spotify, and prints:
  boot to listening (ms), RSS after warm-up (MiB),
  /health requests per second and CPU per request, each as a ratio to the bare server,
  dashboard requests per second, p50 and p99 (ms) with the cache warm and cold.

  --duration     seconds of load per measurement (default 5)
  --connections  concurrent keep-alive connections (default 16)
  --rounds       interleaved /health rounds per server (default 3)
  --warmup       requests sent to each server before measuring (default 2000)
  --help         this text

DATABASE_URL names the Postgres server to use (default postgres://postgres@127.0.0.1:5432/postgres).`;

// The tests' TypeScript (the fake Spotify, the testkit): Node strips the types.
const { FakeSpotify } = await import("../test/support/fake-spotify.ts");
const { createTestDatabase } = await import("../test/kit/database.ts");
const { benchOptions, call, cpuMs, load, percentile, release, round, rssMiB, startWeb, stopProcess, warm } = await import("../test/kit/bench.ts");

const options = benchOptions(HELP, { duration: "5", connections: "16", rounds: "3", warmup: "2000" });
const durationMs = options.duration * 1000;
const { connections, rounds, warmup } = options;

const appDir = fileURLToPath(new URL("..", import.meta.url));
const USER = { id: "bench-user", displayName: "Bench User", email: "bench@example.com", tag: "Bench" };

/** `connections` clients in a loop against `server`: answers per second, its CPU µs per answer, non-200s, latency percentiles. */
async function measure(server, path, headers = {}) {
  const cpuBefore = cpuMs(server.child.pid);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const result = await load({ connections, durationMs, send: () => call(agent, server.port, { path, headers }) });
  const cpuMicrosPerAnswer = ((cpuMs(server.child.pid) - cpuBefore) * 1000) / Math.max(1, result.latencies.length + result.failed);
  agent.destroy();
  const { perSecond, failed, seconds } = result;
  return { perSecond, cpuMicrosPerAnswer, failed, p50: round(percentile(result.latencies, 50)), p99: round(percentile(result.latencies, 99)), seconds };
}

async function warmUp(port, path) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  await warm(warmup, connections, () => call(agent, port, { path }));
  agent.destroy();
}

/** Logs the bench user in through the fake's consent screen; returns the session cookie. */
async function logIn(port, fake) {
  const agent = new http.Agent();
  const start = await call(agent, port, { path: "/login/spotify" });
  const cookie = start.headers["set-cookie"]?.map((header) => header.split(";")[0]).join("; ") ?? "";
  const callback = await fake.approve(start.headers.location, USER.id);
  const done = await call(agent, port, { path: `${callback.pathname}${callback.search}`, headers: { cookie } });
  if (done.status !== 302) throw new Error(`the bench login failed: /callback answered ${done.status}`);
  agent.destroy();
  return done.headers["set-cookie"].map((header) => header.split(";")[0]).join("; ");
}

const db = await createTestDatabase("euterpe_bench");
const fake = await FakeSpotify.start({ clientId: "bench", clientSecret: "bench-secret", users: [USER] });
const env = {
  PATH: process.env.PATH,
  DATABASE_URL: db.url,
  PG_POOL_MAX: "5",
  SPOTIFY_CLIENT_ID: "bench",
  SPOTIFY_CLIENT_SECRET: "bench-secret",
  SPOTIFY_REDIRECT_URI: "http://127.0.0.1:5000/callback",
  SPOTIFY_ACCOUNTS_URL: fake.url,
  SPOTIFY_API_URL: fake.url,
  SECRET_KEY: randomBytes(32).toString("hex"),
  ENCRYPTION_KEY: randomBytes(32).toString("base64url") + "=",
  // One client hammers the dashboard on purpose.
  RATE_LIMIT_PER_MINUTE: "1000000",
  NODE_ENV: "production",
  LOG_LEVEL: "info",
};
const servers = [];
try {
  release(appDir, env);

  const app = await startWeb(appDir, "dist/server.js", env);
  servers.push(app);
  const bare = await startWeb(appDir, "scripts/bare-health-server.mjs", env);
  servers.push(bare);
  await warmUp(app.port, "/health");
  await warmUp(bare.port, "/health");
  const rss = rssMiB(app.child.pid);

  const health = { app: [], bare: [] };
  for (let pass = 0; pass < rounds; pass++) {
    health.bare.push(await measure(bare, "/health"));
    health.app.push(await measure(app, "/health"));
  }
  const mean = (runs, field = "perSecond") => runs.reduce((sum, run) => sum + run[field], 0) / runs.length;
  const healthFailed = health.app.reduce((sum, run) => sum + run.failed, 0);
  await stopProcess(bare.child);

  // Warm: the first view fills the cache, every later one is served from it.
  const cookie = await logIn(app.port, fake);
  const warmWarmup = await call(new http.Agent(), app.port, { path: "/", headers: { cookie } });
  if (warmWarmup.status !== 200) throw new Error(`the dashboard answered ${warmWarmup.status}`);
  const dashboardWarm = await measure(app, "/", { cookie });

  // Cold: the same user (the same database and keys) on an app with the cache off.
  const cold = await startWeb(appDir, "dist/server.js", { ...env, SPOTIFY_CACHE_SECONDS: "0" });
  servers.push(cold);
  const callsBefore = fake.webApiCalls(USER.id).length;
  const dashboardCold = await measure(cold, "/", { cookie });
  const callsPerColdView = (fake.webApiCalls(USER.id).length - callsBefore) / Math.max(1, dashboardCold.perSecond * dashboardCold.seconds);

  const results = {
    boot_to_listening_ms: Math.round(app.bootMs),
    rss_after_warmup_mib: round(rss),
    health_requests_per_second: Math.round(mean(health.app)),
    bare_fastify_pg_requests_per_second: Math.round(mean(health.bare)),
    health_ratio_to_bare: Math.round((mean(health.app) / mean(health.bare)) * 100) / 100,
    health_cpu_us_per_request: Math.round(mean(health.app, "cpuMicrosPerAnswer")),
    bare_cpu_us_per_request: Math.round(mean(health.bare, "cpuMicrosPerAnswer")),
    health_cpu_ratio_to_bare: Math.round((mean(health.bare, "cpuMicrosPerAnswer") / mean(health.app, "cpuMicrosPerAnswer")) * 100) / 100,
    health_non_200: healthFailed,
    dashboard_warm_requests_per_second: Math.round(dashboardWarm.perSecond),
    dashboard_warm_p50_ms: dashboardWarm.p50,
    dashboard_warm_p99_ms: dashboardWarm.p99,
    dashboard_cold_requests_per_second: Math.round(dashboardCold.perSecond),
    dashboard_cold_p50_ms: dashboardCold.p50,
    dashboard_cold_p99_ms: dashboardCold.p99,
    spotify_calls_per_cold_view: round(callsPerColdView),
    dashboard_non_200: dashboardWarm.failed + dashboardCold.failed,
    connections,
    duration_s: durationMs / 1000,
    rounds,
    node: process.version,
  };
  console.log(`boot to listening:       ${results.boot_to_listening_ms} ms`);
  console.log(`RSS after warm-up:       ${results.rss_after_warmup_mib} MiB`);
  console.log(
    `/health per second:      ${results.health_requests_per_second} vs ${results.bare_fastify_pg_requests_per_second} bare Fastify + pg → ratio ${results.health_ratio_to_bare} (${rounds}×${durationMs / 1000} s each, ${connections} connections, ${healthFailed} non-200)`,
  );
  console.log(
    `/health CPU per request: ${results.health_cpu_us_per_request} µs vs ${results.bare_cpu_us_per_request} µs bare → capacity ratio ${results.health_cpu_ratio_to_bare}`,
  );
  console.log(`dashboard, cache warm:   ${results.dashboard_warm_requests_per_second}/s, p50 ${results.dashboard_warm_p50_ms} ms, p99 ${results.dashboard_warm_p99_ms} ms`);
  console.log(
    `dashboard, cache off:    ${results.dashboard_cold_requests_per_second}/s, p50 ${results.dashboard_cold_p50_ms} ms, p99 ${results.dashboard_cold_p99_ms} ms (${results.spotify_calls_per_cold_view} Spotify calls per view; fake Spotify in the bench's process)`,
  );
  console.log(JSON.stringify(results));
} finally {
  for (const server of servers) await stopProcess(server.child);
  await fake.close();
  await db.drop();
}
