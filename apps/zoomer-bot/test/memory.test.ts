/**
 * The similarity searches on a seeded memory: the exact in-process search
 * against a plain reference computation, loaded from Postgres in pages, and
 * pgvector giving the same answers where the extension is installed.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool } from "../src/db.js";
import { ExactSearch, readFloat4Array } from "../src/memory/exact-search.js";
import { pgvectorSchema, PgvectorSearch } from "../src/memory/pgvector-search.js";
import type { Match, SimilarityQuery } from "../src/memory/search.js";
import { openSearch } from "../src/memory/translation-memory.js";
import { runMigrations } from "../src/migrator.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { silentLogger } from "./support/harness.js";

const DIMENSIONS = 24;
const PAIRS = 2_500; // more than one page of the loader

/** A deterministic pseudo-random generator (mulberry32), so the seeded set is the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(17);
const vector = () => Array.from({ length: DIMENSIONS }, () => Math.fround(next() * 2 - 1));
const seeded = Array.from({ length: PAIRS }, (_, index) => ({ id: index + 1, embedding: vector(), model: index % 10 === 0 ? "other-model" : "m" }));

/** The reference: cosine similarity in double precision over every pair, sorted as the contract says. */
function reference(query: SimilarityQuery): Match[] {
  const norm = (v: readonly number[]) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
  return seeded
    .filter((pair) => pair.model === query.model)
    .map((pair) => ({
      pairId: pair.id,
      similarity: pair.embedding.reduce((sum, x, i) => sum + x * query.embedding[i]!, 0) / (norm(pair.embedding) * norm(query.embedding)),
    }))
    .filter((match) => match.similarity >= query.threshold)
    .sort((a, b) => b.similarity - a.similarity || a.pairId - b.pairId)
    .slice(0, query.limit);
}

function expectSameMatches(actual: Match[], expected: Match[]): void {
  expect(actual.map((match) => match.pairId)).toEqual(expected.map((match) => match.pairId));
  actual.forEach((match, index) => expect(match.similarity).toBeCloseTo(expected[index]!.similarity, 5));
}

const queries: SimilarityQuery[] = [
  { embedding: seeded[41]!.embedding, model: "m", limit: 10, threshold: 0 },
  { embedding: vector(), model: "m", limit: 8, threshold: 0.5 },
  { embedding: vector(), model: "m", limit: 50, threshold: 0.7 },
  { embedding: vector(), model: "other-model", limit: 5, threshold: -1 },
  { embedding: vector(), model: "m", limit: 0, threshold: 0 },
  { embedding: vector(), model: "unknown-model", limit: 5, threshold: 0 },
];

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase("memory");
  await runMigrations({ DATABASE_URL: db.url, DATABASE_SCHEMA: "zoomer_bot" }, silentLogger);
  pool = createPool({ DATABASE_URL: db.url, DATABASE_SCHEMA: "zoomer_bot", PG_POOL_MAX: 2 }, () => undefined);
  await pool.query(
    `INSERT INTO translation_pairs (id, source_channel_id, source_message_id, source_text, translation_text, embedding, embedding_model)
     SELECT id, '-100', id, 's' || id, 't' || id, embedding, model
     FROM jsonb_to_recordset($1::jsonb) AS seeded(id bigint, embedding real[], model text)`,
    [JSON.stringify(seeded)],
  );
}, 60_000);
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe("exact search (in process)", () => {
  it("reads Postgres's binary real[] exactly", async () => {
    const { rows } = await pool.query<{ bytes: Buffer }>("SELECT array_send(ARRAY[1.5, -0.25, 3.4028235e38, 0]::real[]) AS bytes");
    expect([...readFloat4Array(rows[0]!.bytes)]).toEqual([1.5, -0.25, Math.fround(3.4028235e38), 0]);
    const empty = await pool.query<{ bytes: Buffer }>("SELECT array_send('{}'::real[]) AS bytes");
    expect(readFloat4Array(empty.rows[0]!.bytes)).toHaveLength(0);
  });

  it("loads every stored pair and answers as the reference does: top-k above the threshold, ties by age, one model at a time", async () => {
    const search = await ExactSearch.load(pool);
    expect(search.size).toBe(PAIRS);
    for (const query of queries) expectSameMatches(await search.nearest(query), reference(query));
    expect((await search.nearest(queries[0]!))[0]).toMatchObject({ pairId: 42, similarity: expect.closeTo(1, 6) });
  });

  it("a recall made while the embeddings are still loading waits for them", async () => {
    const search = ExactSearch.open(pool);
    expectSameMatches(await search.nearest(queries[1]!), reference(queries[1]!));
    expect(search.size).toBe(PAIRS);
  });

  it("scores vectors whose size is not a multiple of four like any other", async () => {
    const search = await ExactSearch.load(pool);
    const odd = [[3, 1, 0, 0, 2], [1, 1, 1, 1, 1], [0, 0, 0, 0, 1]];
    odd.forEach((embedding, index) => search.added({ id: 900_000 + index, model: "odd", embedding }));
    const matches = await search.nearest({ embedding: [0, 0, 0, 0, 1], model: "odd", limit: 3, threshold: 0 });
    expect(matches.map((match) => match.pairId)).toEqual([900_002, 900_000, 900_001]);
    expect(matches.map((match) => match.similarity)).toEqual([expect.closeTo(1, 6), expect.closeTo(2 / Math.sqrt(14), 6), expect.closeTo(1 / Math.sqrt(5), 6)]);
  });

  it("finds a pair added after loading, and refuses a query of another dimension", async () => {
    const search = await ExactSearch.load(pool);
    const probe = vector();
    search.added({ id: 999_999, model: "m", embedding: probe });
    expect((await search.nearest({ embedding: probe, model: "m", limit: 1, threshold: 0 }))[0]?.pairId).toBe(999_999);
    await expect(search.nearest({ embedding: [1, 2, 3], model: "m", limit: 1, threshold: 0 })).rejects.toThrow(/3 dimensions, the stored m ones 24/);
  });
});

describe("pgvector search", async () => {
  const probe = await (async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres" });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'");
      return rows.length > 0;
    } finally {
      await client.end();
    }
  })();

  it.skipIf(!probe)("gives the same answers as the exact search on the same data (skipped: this Postgres server does not ship the pgvector extension)", async () => {
    await pool.query("CREATE EXTENSION IF NOT EXISTS vector");
    const schema = await pgvectorSchema(pool);
    expect(schema).toBeDefined();
    const vectors = new PgvectorSearch(pool, schema!);
    const exact = await ExactSearch.load(pool);
    for (const query of queries) expectSameMatches(await vectors.nearest(query), await exact.nearest(query));
  });

  it("is chosen exactly when the extension is installed in the database; the exact search otherwise", async () => {
    const installed = (await pgvectorSchema(pool)) !== undefined;
    expect((await openSearch(pool)).kind).toBe(installed ? "pgvector" : "exact");
    expect((await openSearch(pool, "exact")).kind).toBe("exact");
    if (!installed) await expect(openSearch(pool, "pgvector")).rejects.toThrow("pgvector is not installed in this database");
  });
});
