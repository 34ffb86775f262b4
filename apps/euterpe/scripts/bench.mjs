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
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import { registerHooks } from "node:module";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";

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

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "16" },
    rounds: { type: "string", default: "3" },
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
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);

// The fake Spotify is the tests' TypeScript: Node strips the types; its
// imports name the .js files tsc would emit, so point them at the .ts sources.
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.endsWith(".js") && context.parentURL?.endsWith(".ts")) {
      const source = new URL(specifier.replace(/\.js$/, ".ts"), context.parentURL);
      if (existsSync(fileURLToPath(source))) return nextResolve(source.href, context);
    }
    return nextResolve(specifier, context);
  },
});
const { FakeSpotify } = await import("../test/support/fake-spotify.ts");

const appDir = fileURLToPath(new URL("..", import.meta.url));
const serverUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `euterpe_bench_${randomBytes(4).toString("hex")}`;
const USER = { id: "bench-user", displayName: "Bench User", email: "bench@example.com", tag: "Bench" };

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

/** Starts a node script; resolves once it logs "listening", with the time that took. */
async function start(script, env) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [script], { cwd: appDir, env: { ...env, PORT: String(port) }, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
    // Keep reading: the app logs every request, and a full pipe would stall it.
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line.includes('"msg":"listening"')) resolve();
    });
  });
  return { child, port, bootMs: performance.now() - started };
}

async function stop(server) {
  if (!server || server.child.exitCode !== null) return;
  server.child.kill("SIGTERM");
  await new Promise((resolve) => server.child.once("exit", resolve));
}

function get(agent, port, path, headers = {}) {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: "127.0.0.1", port, path, agent, headers }, (response) => {
      response.resume();
      response.on("end", () => resolve(response));
    });
    request.on("error", reject);
  });
}

/** CPU time (user + system) the process has used so far, in ms. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  const ticksPerSecond = 100;
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** `connections` clients in a loop for `durationMs` against `server`: answers per second, its CPU µs per answer, non-200s, latency percentiles. */
async function load(server, path, headers = {}) {
  const { port } = server;
  const cpuBefore = cpuMs(server.child.pid);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = [];
  let failed = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const sent = performance.now();
        const response = await get(agent, port, path, headers);
        if (response.statusCode === 200) latencies.push(performance.now() - sent);
        else failed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuMicrosPerAnswer = ((cpuMs(server.child.pid) - cpuBefore) * 1000) / Math.max(1, latencies.length + failed);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const percentile = (p) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN) * 10) / 10;
  return { perSecond: latencies.length / seconds, cpuMicrosPerAnswer, failed, p50: percentile(50), p99: percentile(99), seconds };
}

async function warm(port, path, headers = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  for (let sent = 0; sent < warmup; sent += connections) await Promise.all(Array.from({ length: connections }, () => get(agent, port, path, headers)));
  agent.destroy();
}

function rssMiB(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : NaN;
}

/** Logs the bench user in through the fake's consent screen; returns the session cookie. */
async function logIn(port, fake) {
  const agent = new http.Agent();
  const start = await get(agent, port, "/login/spotify");
  const cookie = start.headers["set-cookie"]?.map((header) => header.split(";")[0]).join("; ") ?? "";
  const callback = await fake.approve(start.headers.location, USER.id);
  const done = await get(agent, port, `${callback.pathname}${callback.search}`, { cookie });
  if (done.statusCode !== 302) throw new Error(`the bench login failed: /callback answered ${done.statusCode}`);
  agent.destroy();
  return done.headers["set-cookie"].map((header) => header.split(";")[0]).join("; ");
}

const round1 = (value) => Math.round(value * 10) / 10;
const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${dbName}`;

await admin(`CREATE DATABASE ${dbName}`);
const fake = await FakeSpotify.start({ clientId: "bench", clientSecret: "bench-secret", users: [USER] });
const env = {
  PATH: process.env.PATH,
  DATABASE_URL: dbUrl.toString(),
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
  const release = spawnSync(process.execPath, ["dist/migrate.js"], { cwd: appDir, env, encoding: "utf8" });
  if (release.status !== 0) throw new Error(`release failed: ${release.stdout}${release.stderr}`);

  const app = await start("dist/server.js", env);
  servers.push(app);
  const bare = await start("scripts/bare-health-server.mjs", env);
  servers.push(bare);
  await warm(app.port, "/health");
  await warm(bare.port, "/health");
  const rss = rssMiB(app.child.pid);

  const health = { app: [], bare: [] };
  for (let round = 0; round < rounds; round++) {
    health.bare.push(await load(bare, "/health"));
    health.app.push(await load(app, "/health"));
  }
  const mean = (runs, field = "perSecond") => runs.reduce((sum, run) => sum + run[field], 0) / runs.length;
  const healthFailed = health.app.reduce((sum, run) => sum + run.failed, 0);
  await stop(bare);

  // Warm: the first view fills the cache, every later one is served from it.
  const cookie = await logIn(app.port, fake);
  const warmWarmup = await get(new http.Agent(), app.port, "/", { cookie });
  if (warmWarmup.statusCode !== 200) throw new Error(`the dashboard answered ${warmWarmup.statusCode}`);
  const dashboardWarm = await load(app, "/", { cookie });

  // Cold: the same user (the same database and keys) on an app with the cache off.
  const cold = await start("dist/server.js", { ...env, SPOTIFY_CACHE_SECONDS: "0" });
  servers.push(cold);
  const callsBefore = fake.webApiCalls(USER.id).length;
  const dashboardCold = await load(cold, "/", { cookie });
  const callsPerColdView = (fake.webApiCalls(USER.id).length - callsBefore) / Math.max(1, dashboardCold.perSecond * dashboardCold.seconds);

  const results = {
    boot_to_listening_ms: Math.round(app.bootMs),
    rss_after_warmup_mib: round1(rss),
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
    spotify_calls_per_cold_view: round1(callsPerColdView),
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
  for (const server of servers) await stop(server);
  await fake.close();
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
}
