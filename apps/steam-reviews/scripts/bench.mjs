#!/usr/bin/env node
// Figures for the fleet note: boot to listening, RSS after warm-up, and the
// dashboard's requests per second and p99 on a database of 100,000 reviews,
// with the plans of the dashboard's queries. Printed, not asserted. Runs the
// built JS (npm run bench builds first) against a throwaway database on the
// local Postgres (DATABASE_URL names the server; default postgres@127.0.0.1:5432).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { DAYS_SQL, GAME_SQL, GAMES_SQL, RECENT_REVIEWS_SHOWN, RECENT_REVIEWS_SQL, THEME_WINDOW, THEMES_SQL } from "../dist/data/dashboard-queries.js";
import { saveAnalyses, saveTranslations, storeReviews } from "../dist/data/reviews.js";

const HELP = `Usage: npm run bench -- [--reviews <n>] [--duration <seconds>] [--connections <n>] [--warmup <requests>]

Fills a throwaway database with <n> reviews of one game (translated and
analysed, over two years), prints the plans of the dashboard's queries, boots
dist/server.js and prints: boot to listening (ms), RSS after warm-up (MiB),
requests per second and p99 latency of the game's dashboard page and of the
game list.

  --reviews      reviews to load (default 100000)
  --duration     seconds of load per page (default 5)
  --connections  concurrent keep-alive connections (default 8)
  --warmup       requests sent before RSS is read (default 500)
  --help         this text

DATABASE_URL names the Postgres server to use (default postgres://postgres@127.0.0.1:5432/postgres).`;

const { values } = parseArgs({
  options: {
    reviews: { type: "string", default: "100000" },
    duration: { type: "string", default: "5" },
    connections: { type: "string", default: "8" },
    warmup: { type: "string", default: "500" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const reviewCount = Number(values.reviews);
const durationMs = Number(values.duration) * 1000;
const connections = Number(values.connections);
const warmup = Number(values.warmup);

const APP_ID = 3228590;
const SCHEMA = "steam_reviews";
const appDir = fileURLToPath(new URL("..", import.meta.url));
const serverUrl = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const dbName = `steam_reviews_bench_${randomBytes(4).toString("hex")}`;
const dbUrl = new URL(serverUrl);
dbUrl.pathname = `/${dbName}`;

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

function get(agent, port, path) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.get({ host: "127.0.0.1", port, path, agent, headers: { accept: "text/html" } }, (response) => {
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

const LANGUAGES = ["english", "english", "english", "schinese", "russian", "brazilian", "german", "koreana"];
const THEMES = ["combat", "performance", "price", "story", "multiplayer", "bugs", "music", "difficulty"];

/** Loads the reviews the way the pipeline does: stored, translated, analysed, in batches. */
async function load(pool) {
  const newest = Date.UTC(2026, 10, 1);
  const spacing = (2 * 365 * 86_400_000) / reviewCount;
  const batch = 1000;
  for (let start = 0; start < reviewCount; start += batch) {
    const reviews = [];
    for (let index = start; index < Math.min(reviewCount, start + batch); index++) {
      const at = new Date(newest - index * spacing);
      reviews.push({
        recommendationId: String(100_000_000 + index),
        appId: APP_ID,
        language: LANGUAGES[index % LANGUAGES.length],
        text: `Review ${index}: ${index % 3 === 0 ? "crashes and bad performance" : "great combat and music"}, `.repeat(3),
        votedUp: index % 3 !== 0,
        playtimeForeverMinutes: 60 + (index % 5000),
        playtimeAtReviewMinutes: 30 + (index % 3000),
        createdAt: at,
        updatedAt: at,
      });
    }
    await storeReviews(pool, reviews);
    await saveTranslations(pool, reviews.filter((r) => r.language !== "english").map((r) => ({ recommendationId: r.recommendationId, english: `Translated: ${r.text}` })));
    await saveAnalyses(
      pool,
      reviews.map((r, i) => ({
        recommendationId: r.recommendationId,
        sentiment: r.votedUp ? "positive" : "negative",
        score: r.votedUp ? 0.4 + (i % 6) / 10 : -0.3 - (i % 7) / 10,
        themes: [THEMES[i % THEMES.length], THEMES[(i * 7) % THEMES.length]],
      })),
    );
  }
}

async function explain(client, sql, params) {
  const { rows } = await client.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${sql}`, params);
  return rows.map((row) => row["QUERY PLAN"]).join("\n");
}

/**
 * EXPLAIN ANALYZE of each dashboard query. tracked_apps and review_days hold
 * a few hundred rows per game, few enough that Postgres reads them whole
 * rather than through an index; the second pass, with sequential scans
 * discouraged, shows the index each of those queries uses once they grow.
 */
async function plans(pool) {
  const queries = [
    ["game list", GAMES_SQL, []],
    ["game", GAME_SQL, [APP_ID]],
    ["per-day counts (chart, totals)", DAYS_SQL, [APP_ID]],
    ["recent reviews", RECENT_REVIEWS_SQL, [APP_ID, RECENT_REVIEWS_SHOWN]],
    ["themes of the latest reviews", THEMES_SQL, [APP_ID, THEME_WINDOW]],
  ];
  const client = await pool.connect();
  const out = [];
  const seqScanned = new Set();
  try {
    for (const [label, sql, params] of queries) {
      const plan = await explain(client, sql, params);
      if (plan.includes("Seq Scan")) seqScanned.add(label);
      out.push({ text: `-- ${label}\n${plan}` });
    }
    await client.query("SET enable_seqscan = off");
    for (const [label, sql, params] of queries.filter(([label]) => seqScanned.has(label))) {
      out.push({ text: `-- ${label}, sequential scans discouraged (the plan for larger tables)\n${await explain(client, sql, params)}` });
    }
  } finally {
    await client.query("RESET enable_seqscan").catch(() => undefined);
    client.release();
  }
  return out.map((entry) => entry.text).join("\n\n");
}

async function measure(agent, port, path) {
  const latencies = [];
  let failed = 0;
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const { status, ms } = await get(agent, port, path);
        if (status === 200) latencies.push(ms);
        else failed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const p = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rps: Math.round(latencies.length / seconds), p50_ms: Math.round(p(0.5) * 10) / 10, p99_ms: Math.round(p(0.99) * 10) / 10, non_200: failed };
}

const env = {
  PATH: process.env.PATH,
  APP_ENV: "development",
  NODE_ENV: "production",
  DATABASE_URL: dbUrl.toString(),
  DATABASE_SCHEMA: SCHEMA,
  PG_POOL_MAX: "5",
  OPENAI_API_KEY: "sk-bench-unused",
  COOKIE_SECRET: randomBytes(32).toString("hex"),
  LOG_LEVEL: "warn",
};

await admin(`CREATE DATABASE ${dbName}`);
let web;
try {
  const release = spawnSync(process.execPath, ["dist/migrate.js"], { cwd: appDir, env, encoding: "utf8" });
  if (release.status !== 0) throw new Error(`release failed: ${release.stdout}${release.stderr}`);

  const pool = new pg.Pool({ connectionString: dbUrl.toString(), max: 2, options: `-c search_path=${SCHEMA}` });
  await pool.query("INSERT INTO tracked_apps (app_id, name, added_by, last_fetched_timestamp) VALUES ($1, 'Dead Zone Rogue', 'bench', now()), (2437170, 'SMITE 2', 'bench', now())", [APP_ID]);
  const loadStarted = performance.now();
  await load(pool);
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  await pool.query("VACUUM ANALYZE");
  const explained = await plans(pool);
  await pool.end();

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
    await Promise.all(Array.from({ length: connections }, (_, i) => get(agent, port, i % 2 === 0 ? `/games/${APP_ID}` : "/")));
  }
  const rss = rssMiB(web.pid);
  const game = await measure(agent, port, `/games/${APP_ID}`);
  const list = await measure(agent, port, "/");
  agent.destroy();

  const results = {
    reviews: reviewCount,
    load_s: Math.round(loadSeconds),
    boot_to_listening_ms: Math.round(bootMs),
    rss_after_warmup_mib: Math.round(rss * 10) / 10,
    game_page: game,
    game_list: list,
    connections,
    duration_s: durationMs / 1000,
    node: process.version,
  };
  console.log(explained);
  console.log("");
  console.log(`reviews loaded:         ${reviewCount} (${results.load_s} s through the app's own insert and analysis statements)`);
  console.log(`boot to listening:      ${results.boot_to_listening_ms} ms`);
  console.log(`RSS after warm-up:      ${results.rss_after_warmup_mib} MiB`);
  console.log(`/games/${APP_ID}:       ${game.rps} req/s, p50 ${game.p50_ms} ms, p99 ${game.p99_ms} ms (${connections} connections, ${game.non_200} non-200)`);
  console.log(`/ (game list):          ${list.rps} req/s, p50 ${list.p50_ms} ms, p99 ${list.p99_ms} ms (${list.non_200} non-200)`);
  console.log(JSON.stringify(results));
} finally {
  if (web && web.exitCode === null) {
    web.kill("SIGTERM");
    await new Promise((resolve) => web.once("exit", resolve));
  }
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
}
