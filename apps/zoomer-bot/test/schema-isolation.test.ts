/**
 * The release runs as a role that may use only the app's schema: the tables
 * and the migrations table land there, `public` and a neighbour's schema stay
 * untouched, pgvector's absence (or a role not allowed to install it) does not
 * fail the release, and a second release changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMigrations } from "../src/migrator.js";
import { createConfinedRole, expectPermissionDenied, schemaCatalog, type ConfinedRole } from "./kit/schema-isolation.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { silentLogger } from "./support/harness.js";

const MIGRATIONS = ["1767225600000_sessions-pairs-processed", "1767225600001_pgvector-where-available"];

/** `public` (its data included) and the installed extensions: what a release must leave alone. */
const publicCatalog = (db: TestDatabase) => schemaCatalog(db, ["public"], ["public.notes"]);

describe("migrations under a role confined to zoomer_bot", () => {
  let db: TestDatabase;
  let role: ConfinedRole;
  let roleUrl: string;
  let before: string;

  beforeAll(async () => {
    db = await createTestDatabase("isolation");
    await db.query(`
      CREATE TABLE public.notes (id serial PRIMARY KEY, body text);
      INSERT INTO public.notes (body) VALUES ('a neighbour''s row');
      CREATE SCHEMA neighbour; CREATE TABLE neighbour.secrets (id int);`);
    role = await createConfinedRole(db, "zoomer_release", { schema: "zoomer_bot" });
    roleUrl = role.url;
    before = await publicCatalog(db);
  });
  afterAll(async () => {
    await db?.drop();
    await role?.drop();
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
      { schema: "zoomer_bot", name: "pgmigrations", owner: role.name },
      { schema: "zoomer_bot", name: "processed_messages", owner: role.name },
      { schema: "zoomer_bot", name: "telegram_sessions", owner: role.name },
      { schema: "zoomer_bot", name: "translation_pairs", owner: role.name },
    ]);
    expect(await publicCatalog(db)).toBe(before);
  });

  it("is idempotent: a second release applies nothing and changes nothing", async () => {
    expect(await runMigrations({ DATABASE_URL: roleUrl, DATABASE_SCHEMA: "zoomer_bot" }, silentLogger)).toEqual({ applied: [], createdSchema: false });
    expect(await publicCatalog(db)).toBe(before);
  });
});
