#!/usr/bin/env node
// Figures for the fleet note: boot to listening, RSS after warm-up, and the
// dashboard's requests per second and p99 on a database of 100,000 reviews,
// with the plans of the dashboard's queries. Printed, not asserted. Runs the
// built JS (npm run bench builds first) against a throwaway database on the
// local Postgres (DATABASE_URL names the server; default postgres@127.0.0.1:5432).
import "../test/kit/typescript-hooks.mjs";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { fileURLToPath } from "node:url";
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

// The testkit is TypeScript: Node strips the types.
const { createTestDatabase } = await import("../test/kit/database.ts");
const { benchOptions, call, load, percentile, release, round, rssMiB, startWeb, stopProcess, warm } = await import("../test/kit/bench.ts");

const options = benchOptions(HELP, { reviews: "100000", duration: "5", connections: "8", warmup: "500" });
const reviewCount = options.reviews;
const durationMs = options.duration * 1000;
const { connections, warmup } = options;

const APP_ID = 3228590;
const SCHEMA = "steam_reviews";
const appDir = fileURLToPath(new URL("..", import.meta.url));

/** A page as a person's browser asks for it. */
const page = (agent, port, path) => call(agent, port, { path, headers: { accept: "text/html" } });

const LANGUAGES = ["english", "english", "english", "schinese", "russian", "brazilian", "german", "koreana"];
const THEMES = ["combat", "performance", "price", "story", "multiplayer", "bugs", "music", "difficulty"];

/** Loads the reviews the way the pipeline does: stored, translated, analysed, in batches. */
async function storeReviewsOfOneGame(pool) {
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
  const { perSecond, latencies, failed } = await load({ connections, durationMs, send: () => page(agent, port, path) });
  return { rps: Math.round(perSecond), p50_ms: round(percentile(latencies, 50)), p99_ms: round(percentile(latencies, 99)), non_200: failed };
}

const db = await createTestDatabase("steam_reviews_bench");
const env = {
  PATH: process.env.PATH,
  APP_ENV: "development",
  NODE_ENV: "production",
  DATABASE_URL: db.url,
  DATABASE_SCHEMA: SCHEMA,
  PG_POOL_MAX: "5",
  OPENAI_API_KEY: "sk-bench-unused",
  COOKIE_SECRET: randomBytes(32).toString("hex"),
  LOG_LEVEL: "warn",
};

let web;
try {
  release(appDir, env);

  const pool = new pg.Pool({ connectionString: db.url, max: 2, options: `-c search_path=${SCHEMA}` });
  await pool.query("INSERT INTO tracked_apps (app_id, name, added_by, last_fetched_timestamp) VALUES ($1, 'Dead Zone Rogue', 'bench', now()), (2437170, 'SMITE 2', 'bench', now())", [APP_ID]);
  const loadStarted = performance.now();
  await storeReviewsOfOneGame(pool);
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  await pool.query("VACUUM ANALYZE");
  const explained = await plans(pool);
  await pool.end();

  web = await startWeb(appDir, "dist/server.js", { ...env, LOG_LEVEL: "info" });
  const { port, bootMs } = web;

  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  await warm(warmup, connections, (worker) => page(agent, port, worker % 2 === 0 ? `/games/${APP_ID}` : "/"));
  const rss = rssMiB(web.child.pid);
  const game = await measure(agent, port, `/games/${APP_ID}`);
  const list = await measure(agent, port, "/");
  agent.destroy();

  const results = {
    reviews: reviewCount,
    load_s: Math.round(loadSeconds),
    boot_to_listening_ms: Math.round(bootMs),
    rss_after_warmup_mib: round(rss),
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
  await stopProcess(web?.child);
  await db.drop();
}
