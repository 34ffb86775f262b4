/**
 * The release runs as a role that may use only the app's schema: the tables
 * and the migrations table land there, `public` and a neighbour's schema stay
 * untouched, pgvector's absence (or a role not allowed to install it) does not
 * fail the release, and a second release changes nothing.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMigrations } from "../src/migrator.js";
import { adminQuery, createTestDatabase, type TestDatabase } from "./support/database.js";
import { silentLogger } from "./support/harness.js";

const MIGRATIONS = ["1767225600000_sessions-pairs-processed", "1767225600001_pgvector-where-available"];

async function publicCatalog(db: TestDatabase): Promise<string> {
  const { rows } = await db.query<{ line: string }>(`
    SELECT 'schema ' || nspname || ' acl=' || coalesce(nspacl::text, '') AS line FROM pg_namespace WHERE nspname = 'public'
    UNION ALL SELECT 'relation ' || relname || ' ' || relkind::text FROM pg_class WHERE relnamespace = 'public'::regnamespace
    UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
    UNION ALL SELECT 'type ' || typname FROM pg_type WHERE typnamespace = 'public'::regnamespace
    UNION ALL SELECT 'extension ' || extname FROM pg_extension
    UNION ALL SELECT 'data ' || coalesce(string_agg(n::text, ','), '') FROM public.notes n
    ORDER BY 1`);
  return rows.map((row) => row.line).join("\n");
}

async function expectPermissionDenied(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await expect(client.query(sql)).rejects.toMatchObject({ code: "42501" });
  } finally {
    await client.end();
  }
}

describe("migrations under a role confined to zoomer_bot", () => {
  let db: TestDatabase;
  const role = `zoomer_release_${randomBytes(3).toString("hex")}`;
  let roleUrl: string;
  let before: string;

  beforeAll(async () => {
    db = await createTestDatabase("isolation");
    await db.query(`
      CREATE TABLE public.notes (id serial PRIMARY KEY, body text);
      INSERT INTO public.notes (body) VALUES ('a neighbour''s row');
      CREATE SCHEMA neighbour; CREATE TABLE neighbour.secrets (id int);
      CREATE ROLE ${role} LOGIN;
      REVOKE CREATE ON SCHEMA public FROM PUBLIC;
      REVOKE ALL ON DATABASE ${db.name} FROM PUBLIC;
      GRANT CONNECT ON DATABASE ${db.name} TO ${role};
      CREATE SCHEMA zoomer_bot;
      GRANT USAGE, CREATE ON SCHEMA zoomer_bot TO ${role};`);
    roleUrl = db.urlAs(role);
    before = await publicCatalog(db);
  });
  afterAll(async () => {
    await db?.drop();
    await adminQuery(`DROP ROLE IF EXISTS ${role}`);
  });

  it("the role can touch neither public nor the neighbour's schema", async () => {
    await expectPermissionDenied(roleUrl, "CREATE TABLE public.probe (id int)");
    await expectPermissionDenied(roleUrl, "SELECT * FROM neighbour.secrets");
  });

  it("migrates: every table in zoomer_bot, owned by the role; public untouched; no pgvector is no failure", async () => {
    expect(await runMigrations({ DATABASE_URL: roleUrl, DATABASE_SCHEMA: "zoomer_bot" }, silentLogger)).toEqual({ applied: MIGRATIONS, createdSchema: false });
    const { rows } = await db.query(`
      SELECT n.nspname AS schema, c.relname AS name, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`);
    expect(rows).toEqual([
      { schema: "neighbour", name: "secrets", owner: "postgres" },
      { schema: "public", name: "notes", owner: "postgres" },
      { schema: "zoomer_bot", name: "pgmigrations", owner: role },
      { schema: "zoomer_bot", name: "processed_messages", owner: role },
      { schema: "zoomer_bot", name: "telegram_sessions", owner: role },
      { schema: "zoomer_bot", name: "translation_pairs", owner: role },
    ]);
    expect(await publicCatalog(db)).toBe(before);
  });

  it("is idempotent: a second release applies nothing and changes nothing", async () => {
    expect(await runMigrations({ DATABASE_URL: roleUrl, DATABASE_SCHEMA: "zoomer_bot" }, silentLogger)).toEqual({ applied: [], createdSchema: false });
    expect(await publicCatalog(db)).toBe(before);
  });
});
