/**
 * The retention job's work: posts and replies older than RETENTION_DAYS
 * go (replies with their post), newer ones stay; expired refresh tokens and
 * year-old audit entries go.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyRetention } from "../src/data/retention.js";
import { runMigrations } from "../src/migrator.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { SCHEMA, silentLogger } from "./support/harness.js";
import { seedUser } from "./support/seed.js";

let db: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase("retention");
  await runMigrations({ DATABASE_URL: db.url, DATABASE_SCHEMA: SCHEMA }, silentLogger);
  pool = new pg.Pool({ connectionString: db.url, options: `-c search_path=${SCHEMA}`, max: 2 });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

describe("applyRetention", () => {
  it("deletes exactly what is older than the cutoff", async () => {
    const now = new Date("2026-06-01T12:00:00Z");
    // 60 posts two hours apart (2 h to 5 days old) against a 3-day cutoff: the 24 from 74 h on go.
    const userId = await seedUser(pool, { threadsUserId: "1001", username: "alice", posts: 60, now });
    await pool.query(
      `INSERT INTO refresh_tokens (id, family_id, user_id, expires_at) VALUES
         (gen_random_uuid(), gen_random_uuid(), $1, $2::timestamptz - interval '1 minute'),
         (gen_random_uuid(), gen_random_uuid(), $1, $2::timestamptz + interval '1 day')`,
      [userId, now],
    );
    await pool.query("INSERT INTO audit_log (at, actor, action) VALUES ($1::timestamptz - interval '400 days', 'job:test', 'old'), ($1, 'job:test', 'new')", [now]);

    const cutoff = new Date(now.getTime() - 3 * 86_400_000);
    const { rows: expected } = await pool.query<{ posts: string; replies: string }>(
      `SELECT (SELECT count(*) FROM posts WHERE published_at < $1) AS posts,
              (SELECT count(*) FROM replies r WHERE r.published_at < $1 OR r.post_id IN (SELECT id FROM posts WHERE published_at < $1)) AS replies`,
      [cutoff],
    );
    expect(Number(expected[0]!.posts)).toBe(24);

    const result = await applyRetention(pool, 3, now);
    expect(result).toEqual({ cutoff: cutoff.toISOString(), posts: 24, replies: Number(expected[0]!.replies), refreshTokens: 1, auditEntries: 1 });
    const left = await pool.query<{ oldest: Date; posts: string }>("SELECT min(published_at) AS oldest, count(*) AS posts FROM posts");
    expect(Number(left.rows[0]!.posts)).toBe(36);
    expect(left.rows[0]!.oldest.getTime()).toBeGreaterThanOrEqual(cutoff.getTime());
    const orphans = await pool.query("SELECT 1 FROM replies WHERE published_at < $1", [cutoff]);
    expect(orphans.rows).toEqual([]);
    expect((await pool.query("SELECT action FROM audit_log")).rows).toEqual([{ action: "new" }]);

    expect(await applyRetention(pool, 3, now)).toMatchObject({ posts: 0, replies: 0, refreshTokens: 0, auditEntries: 0 });
  });
});
