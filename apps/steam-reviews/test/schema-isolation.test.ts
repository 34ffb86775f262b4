/**
 * The database may be shared with other apps. The release runs as a role
 * that may use only the app's schema: its tables and the migrations table
 * land there, `public` and a neighbour's schema stay exactly as they were,
 * and the role cannot touch them. The pipeline and backfill run as that role
 * too (advisory locks need no privilege).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPLICATION_NAME, createPool } from "../src/db.js";
import { runMigrations } from "../src/migrator.js";
import { runBackfill } from "../src/pipeline/backfill.js";
import { connectionConfig } from "../src/shared/postgres.js";
import { createConfinedRole, expectPermissionDenied, schemaCatalog, type ConfinedRole } from "./kit/schema-isolation.js";
import { createTestDatabase, SCHEMA, type TestDatabase } from "./support/database.js";
import { silentLogger, startSuite, type Suite } from "./support/harness.js";
import { makeReviews } from "./support/review-data.js";

/** Everything Postgres knows about `public` and the neighbour's schema, data included. */
const othersCatalog = (db: TestDatabase) => schemaCatalog(db, ["public", "shop"], ["public.tracked_apps", "shop.products"]);

describe("schema isolation", () => {
  let db: TestDatabase;
  let suite: Suite;
  let role: ConfinedRole;
  let roleUrl: string;
  let before: string;

  beforeAll(async () => {
    db = await createTestDatabase("isolation", { migrate: false });
    suite = await startSuite("isolation_fakes");
    // A neighbour's tables, one with the same name as ours, in public and in its own schema.
    await db.query(`
      CREATE TABLE public.tracked_apps (app_id int PRIMARY KEY, note text);
      INSERT INTO public.tracked_apps VALUES (1, 'not ours');
      CREATE SCHEMA shop;
      CREATE TABLE shop.products (id int PRIMARY KEY, name text);
      INSERT INTO shop.products VALUES (1, 'widget');
    `);
    // Fleet's part: the app's schema and a role confined to it.
    role = await createConfinedRole(db, "steam_reviews_release", { schema: SCHEMA });
    roleUrl = role.url;
    before = await othersCatalog(db);
  });

  afterAll(async () => {
    await suite?.close();
    await db?.drop();
    await role?.drop();
  });

  it("the role cannot create in public nor read the neighbour's schema", async () => {
    await expectPermissionDenied(roleUrl, "CREATE TABLE public.probe (id int)");
    await expectPermissionDenied(roleUrl, "SELECT * FROM shop.products");
  });

  it("migrates as that role: everything lands in steam_reviews, the others are untouched, twice over", async () => {
    expect(await runMigrations({ DATABASE_URL: roleUrl, DATABASE_SCHEMA: SCHEMA }, silentLogger)).toEqual({
      applied: ["1767225600000_tracked-apps-and-reviews"],
      createdSchema: false,
    });
    const { rows } = await db.query<{ name: string; owner: string }>(`
      SELECT c.relname AS name, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = '${SCHEMA}' AND c.relkind = 'r' ORDER BY 1`);
    expect(rows).toEqual(["pgmigrations", "review_days", "reviews", "tracked_apps"].map((name) => ({ name, owner: role.name })));
    expect(await othersCatalog(db)).toBe(before);
    expect(await runMigrations({ DATABASE_URL: roleUrl, DATABASE_SCHEMA: SCHEMA }, silentLogger)).toEqual({ applied: [], createdSchema: false });
    expect(await othersCatalog(db)).toBe(before);
  });

  it("the backfill runs as that role and writes only to steam_reviews", async () => {
    const settings = { DATABASE_URL: roleUrl, DATABASE_SCHEMA: SCHEMA, PG_POOL_MAX: 2 };
    const pool = createPool(settings, () => undefined);
    try {
      await pool.query("INSERT INTO tracked_apps (app_id, name, added_by) VALUES (1, 'Game', 'test')");
      suite.steam.setApp(1, "Game", makeReviews(1, 120));
      const outcome = await runBackfill(suite.backfillDeps({ pool, lockConnection: connectionConfig(settings, APPLICATION_NAME) }), 1);
      expect(outcome).toMatchObject({ status: "complete", progress: { stored: 120 } });
    } finally {
      await pool.end();
    }
    expect(await othersCatalog(db)).toBe(before);
  });
});
