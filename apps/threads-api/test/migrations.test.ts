/**
 * Migrations: expand-only (no migration's up part drops, renames or
 * narrows anything, so the release before keeps working), each one undone by
 * its down part and applied again, idempotent, and run as a role that may
 * use only the app's schema, leaving public and a neighbour's schema alone.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, runMigrations } from "../src/migrator.js";
import { createConfinedRole, expectPermissionDenied, schemaCatalog, type ConfinedRole } from "./kit/schema-isolation.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { SCHEMA, silentLogger } from "./support/harness.js";

const files = readdirSync(MIGRATIONS_DIR).filter((file) => file.endsWith(".sql")).sort();
const names = files.map((file) => file.replace(/\.sql$/, ""));

/** Tables, columns, indexes, constraints and grants of a schema, as text. */
const catalogOf = (db: TestDatabase, schema = SCHEMA) => schemaCatalog(db, [schema]);

async function tablesOf(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1", [SCHEMA]);
  return rows.map((row) => row.table_name);
}

describe("every migration", () => {
  it("is expand-only in its up part and has a down part", () => {
    for (const file of files) {
      const text = readFileSync(join(MIGRATIONS_DIR, file), "utf8");
      const [up = "", down] = text.split(/^-- Down Migration$/m);
      expect(up, file).toMatch(/^-- Up Migration$/m);
      expect(down?.trim(), `${file}: down part`).toBeTruthy();
      const code = up.replace(/--.*$/gm, "");
      expect(code, `${file}: destructive statement in an expand migration`).not.toMatch(/\b(DROP|RENAME|TRUNCATE)\b|ALTER\s+COLUMN\s+\w+\s+(TYPE|SET\s+NOT\s+NULL)/i);
      expect(code, `${file}: names a schema (search_path decides)`).not.toMatch(/\b(public|threads_api)\./i);
    }
  });
});

describe("down and up again", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase("migrations");
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("undoes each migration, last first, and brings the schema back identical", async () => {
    const settings = { DATABASE_URL: db.url, DATABASE_SCHEMA: SCHEMA };
    expect(await runMigrations(settings, silentLogger)).toEqual({ applied: names, createdSchema: true });
    const full = await catalogOf(db);
    const tablesAt: string[][] = [];
    for (let count = names.length; count >= 1; count--) {
      tablesAt.unshift(await tablesOf(db));
      const down = await runMigrations(settings, silentLogger, { direction: "down" });
      expect(down.applied).toEqual([names[count - 1]]);
    }
    expect(await tablesOf(db)).toEqual(["pgmigrations"]);
    expect(tablesAt.map((tables) => tables.filter((table) => table !== "pgmigrations"))).toEqual([
      ["refresh_tokens", "threads_tokens", "users"],
      ["posts", "refresh_tokens", "replies", "threads_tokens", "users"],
      ["audit_log", "posts", "refresh_tokens", "replies", "threads_tokens", "users"],
    ]);
    // Up one at a time, each step matching what it was on the way down.
    for (let count = 1; count <= names.length; count++) {
      expect((await runMigrations(settings, silentLogger, { count: 1 })).applied).toEqual([names[count - 1]]);
      expect(await tablesOf(db)).toEqual(tablesAt[count - 1]);
    }
    expect(await catalogOf(db)).toBe(full);
    expect(await runMigrations(settings, silentLogger)).toEqual({ applied: [], createdSchema: false });
  });
});

describe("schema isolation", () => {
  let db: TestDatabase;
  let role: ConfinedRole;

  beforeAll(async () => {
    db = await createTestDatabase("isolation");
    await db.query(`
      CREATE TABLE public.users (id serial PRIMARY KEY, email text);
      INSERT INTO public.users (email) VALUES ('neighbour@example.com');
      CREATE SCHEMA other_app;
      CREATE TABLE other_app.posts (id int);
    `);
    role = await createConfinedRole(db, "threads_api_release", { schema: SCHEMA });
  });
  afterAll(async () => {
    await db?.drop();
    await role?.drop();
  });

  it("migrates up and down as a role confined to the app's schema, touching neither public nor another app", async () => {
    const before = { public: await catalogOf(db, "public"), other: await catalogOf(db, "other_app") };
    const settings = { DATABASE_URL: role.url, DATABASE_SCHEMA: SCHEMA };
    expect(await runMigrations(settings, silentLogger)).toEqual({ applied: names, createdSchema: false });
    const { rows } = await db.query<{ schema: string; owner: string }>(
      `SELECT DISTINCT n.nspname AS schema, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    expect(rows).toEqual([
      { schema: "other_app", owner: "postgres" },
      { schema: "public", owner: "postgres" },
      { schema: SCHEMA, owner: role.name },
    ]);
    await runMigrations(settings, silentLogger, { direction: "down", count: names.length });
    expect(await runMigrations(settings, silentLogger)).toMatchObject({ applied: names });
    expect({ public: await catalogOf(db, "public"), other: await catalogOf(db, "other_app") }).toEqual(before);

    await expectPermissionDenied(role.url, "CREATE TABLE public.probe (id int)");
    await expectPermissionDenied(role.url, "SELECT * FROM other_app.posts");
  });
});
