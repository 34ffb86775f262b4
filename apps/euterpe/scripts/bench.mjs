#!/usr/bin/env node
// Figures for the fleet note: boot to listening, RSS after warm-up, /health
// requests per second on loopback. Printed, not asserted. Runs the built JS
// (npm run bench builds first) against a throwaway database on the local
// Postgres (DATABASE_URL names the server; default postgres@127.0.0.1:5432).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";

const HELP = `Usage: npm run bench -- [--duration <seconds>] [--connections <n>] [--warmup <requests>]

Boots dist/server.js against a throwaway database and prints:
  boot to listening (ms), RSS after warm-up (MiB), /health requests per second.

  --duration     seconds of load on /health (default 5)
  --connections  concurrent keep-alive connections (default 16)
  --warmup       requests sent before RSS is read (default 2000)
  --help         this text

DATABASE_URL names the Postgres server to use (default postgres://postgres@127.0.0.1:5432/postgres).`;

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "16" },
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
const warmup = Number(values.warmup);

const appDir = fileURLToPath(new URL("..", import.meta.url));
const serverUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `euterpe_bench_${randomBytes(4).toString("hex")}`;

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

function get(agent, port) {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: "127.0.0.1", port, path: "/health", agent }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode));
    });
    request.on("error", reject);
  });
}

function rssMiB(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : NaN;
}

const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${dbName}`;
const env = {
  PATH: process.env.PATH,
  DATABASE_URL: dbUrl.toString(),
  SPOTIFY_CLIENT_ID: "bench",
  SPOTIFY_CLIENT_SECRET: "bench",
  SPOTIFY_REDIRECT_URI: "http://127.0.0.1:5000/callback",
  SECRET_KEY: randomBytes(32).toString("hex"),
  ENCRYPTION_KEY: randomBytes(32).toString("base64url") + "=",
  NODE_ENV: "production",
  LOG_LEVEL: "warn",
};

await admin(`CREATE DATABASE ${dbName}`);
let web;
try {
  const release = spawnSync(process.execPath, ["dist/migrate.js"], { cwd: appDir, env, encoding: "utf8" });
  if (release.status !== 0) throw new Error(`release failed: ${release.stdout}${release.stderr}`);

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
    await Promise.all(Array.from({ length: connections }, () => get(agent, port)));
  }
  const rss = rssMiB(web.pid);

  let ok = 0;
  let failed = 0;
  const deadline = performance.now() + durationMs;
  const loadStarted = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        (await get(agent, port)) === 200 ? ok++ : failed++;
      }
    }),
  );
  const seconds = (performance.now() - loadStarted) / 1000;
  agent.destroy();

  const results = {
    boot_to_listening_ms: Math.round(bootMs),
    rss_after_warmup_mib: Math.round(rss * 10) / 10,
    health_requests_per_second: Math.round(ok / seconds),
    non_200: failed,
    connections,
    duration_s: Math.round(seconds * 10) / 10,
    node: process.version,
  };
  console.log(`boot to listening:     ${results.boot_to_listening_ms} ms`);
  console.log(`RSS after warm-up:     ${results.rss_after_warmup_mib} MiB`);
  console.log(`/health per second:    ${results.health_requests_per_second} (${connections} connections, ${results.duration_s} s, ${failed} non-200)`);
  console.log(JSON.stringify(results));
} finally {
  if (web && web.exitCode === null) {
    web.kill("SIGTERM");
    await new Promise((resolve) => web.once("exit", resolve));
  }
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
}
