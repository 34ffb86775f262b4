#!/usr/bin/env node
// Figures for the fleet note: boot to ready and RSS of the worker (empty
// memory, and 10,000 stored pairs), and recall time on the exact in-process
// path for those pairs. Printed, not asserted. Runs the built JS (npm run
// bench builds first) on the local channel against a throwaway database on
// the local Postgres (DATABASE_URL names the server); no network.
import "../test/kit/typescript-hooks.mjs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const HELP = `Usage: npm run bench -- [--pairs <n>] [--dimensions <n>] [--queries <n>]

Boots dist/worker.js (local channel) against a throwaway database and prints:
  boot to ready (ms), to the memory loaded, and RSS after (MiB), with an empty
  memory and with --pairs stored pairs; the exact search's load time and recall time per query.

  --pairs       translation pairs stored (default 10000)
  --dimensions  embedding size (default 1536, text-embedding-3-small)
  --queries     recall queries timed (default 200)
  --help        this text

DATABASE_URL names the Postgres server to use (default postgres://postgres@127.0.0.1:5432/postgres).`;

// The testkit is TypeScript: Node strips the types.
const { createTestDatabase } = await import("../test/kit/database.ts");
const { benchOptions, launch, percentile, release, round, rssMiB, stopProcess } = await import("../test/kit/bench.ts");

const options = benchOptions(HELP, { pairs: "10000", dimensions: "1536", queries: "200" });
const { pairs, dimensions, queries } = options;

const appDir = fileURLToPath(new URL("..", import.meta.url));
const db = await createTestDatabase("zoomer_bot_bench");
const channelDir = mkdtempSync(path.join(tmpdir(), "zoomer-bench-"));

const env = {
  PATH: process.env.PATH,
  NODE_ENV: "production",
  LOG_LEVEL: "info",
  APP_ENV: "development",
  DATABASE_URL: db.url,
  DATABASE_SCHEMA: "zoomer_bot",
  PG_POOL_MAX: "3",
  CHANNEL_ADAPTER: "local",
  LOCAL_CHANNEL_DIR: channelDir,
  TG_API_ID: "12345",
  TG_API_HASH: "0123456789abcdef0123456789abcdef",
  SRC_CHANNEL: "@bench_source",
  DST_CHANNEL: "@bench_destination",
  ANTHROPIC_API_KEY: "bench",
  ANTHROPIC_BASE_URL: "http://127.0.0.1:9",
  OPENAI_API_KEY: "bench",
  OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
};

/** Starts the worker, waits for its ready line and its memory_loaded line, reads RSS, stops it with SIGTERM. */
async function bootToReady() {
  const worker = launch(appDir, ["dist/worker.js"], env);
  try {
    const ready = worker.lineContaining('"event":"ready"');
    const loaded = worker.lineContaining('"event":"memory_loaded"');
    const ms = Math.round(await ready);
    const loadedMs = Math.round(await loaded);
    await new Promise((resolve) => setTimeout(resolve, 500));
    return { ms, loadedMs, rss: round(rssMiB(worker.child.pid)) };
  } finally {
    await stopProcess(worker.child);
  }
}

const pool = new pg.Pool({ connectionString: db.url, max: 2, options: "-c search_path=zoomer_bot" });
try {
  release(appDir, env);
  const empty = await bootToReady();

  const seedStarted = performance.now();
  await pool.query(
    `INSERT INTO translation_pairs (source_channel_id, source_message_id, source_text, translation_text, embedding, embedding_model)
     SELECT '-100', n, 'source ' || n, 'translation ' || n,
            (SELECT array_agg((random() * 2 - 1)::real) FROM generate_series(1, $2) WHERE n > 0), 'text-embedding-3-small'
     FROM generate_series(1, $1) AS n`,
    [pairs, dimensions],
  );
  const seedS = Math.round((performance.now() - seedStarted) / 100) / 10;

  const loaded = await bootToReady();

  const { ExactSearch } = await import(path.join(appDir, "dist/memory/exact-search.js"));
  const loadStarted = performance.now();
  const search = await ExactSearch.load(pool);
  const loadMs = Math.round(performance.now() - loadStarted);
  const timings = [];
  let found = 0;
  for (let index = 0; index < queries; index++) {
    const embedding = Array.from({ length: dimensions }, () => Math.random() * 2 - 1);
    const started = performance.now();
    const matches = await search.nearest({ embedding, model: "text-embedding-3-small", limit: 10, threshold: -1 });
    timings.push(performance.now() - started);
    found += matches.length;
  }
  timings.sort((a, b) => a - b);
  const median = percentile(timings, 50);
  const results = {
    boot_to_ready_ms_empty_memory: empty.ms,
    rss_after_ready_mib_empty_memory: empty.rss,
    boot_to_ready_ms_with_pairs: loaded.ms,
    boot_to_memory_loaded_ms_with_pairs: loaded.loadedMs,
    rss_after_ready_mib_with_pairs: loaded.rss,
    pairs: search.size,
    dimensions,
    exact_index_load_ms: loadMs,
    recall_ms_median: Math.round(median * 100) / 100,
    recall_ms_p95: Math.round(percentile(timings, 95) * 100) / 100,
    recalls_per_second: Math.round(1000 / median),
    matches_per_recall: found / queries,
    seed_s: seedS,
    node: process.version,
  };
  console.log(`boot to ready, empty memory:       ${results.boot_to_ready_ms_empty_memory} ms, RSS ${results.rss_after_ready_mib_empty_memory} MiB`);
  console.log(`boot to ready, ${pairs} pairs:       ${results.boot_to_ready_ms_with_pairs} ms (memory loaded at ${loaded.loadedMs} ms), RSS ${results.rss_after_ready_mib_with_pairs} MiB`);
  console.log(`exact index load (${pairs} × ${dimensions}): ${loadMs} ms`);
  console.log(`recall, exact path, top 10 of ${pairs}: median ${results.recall_ms_median} ms, p95 ${results.recall_ms_p95} ms (${results.recalls_per_second}/s, ${queries} queries)`);
  console.log(JSON.stringify(results));
} finally {
  await pool.end();
  await db.drop();
  rmSync(channelDir, { recursive: true, force: true });
}
