/**
 * Migrations: expand-only (no migration's up part drops, renames or
 * narrows anything, so the release before keeps working), each one undone by
 * its down part and applied again, idempotent, and run as a role that may
 * use only the app's schema, leaving public and a neighbour's schema alone.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, runMigrations } from "../src/migrator.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { SCHEMA, silentLogger } from "./support/harness.js";

const files = readdirSync(MIGRATIONS_DIR).filter((file) => file.endsWith(".sql")).sort();
const names = files.map((file) => file.replace(/\.sql$/, ""));

/** Tables, columns, indexes and constraints of the app's schema, as text. */
async function schemaCatalog(db: TestDatabase, schema = SCHEMA): Promise<string> {
  const { rows } = await db.query<{ line: string }>(
    `SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' null=' || is_nullable || ' default=' || coalesce(column_default, '') AS line
       FROM information_schema.columns WHERE table_schema = $1 AND table_name <> 'pgmigrations'
     UNION ALL
     SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename <> 'pgmigrations'
     UNION ALL
     SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = $1::regnamespace
     ORDER BY 1`,
    [schema],
  );
  return rows.map((row) => row.line).join("\n");
}

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
    const full = await schemaCatalog(db);
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
    expect(await schemaCatalog(db)).toBe(full);
    expect(await runMigrations(settings, silentLogger)).toEqual({ applied: [], createdSchema: false });
  });
});

describe("schema isolation", () => {
  let db: TestDatabase;
  const role = `threads_api_release_${randomBytes(3).toString("hex")}`;

  beforeAll(async () => {
    db = await createTestDatabase("isolation");
    await db.query(`
      CREATE TABLE public.users (id serial PRIMARY KEY, email text);
      INSERT INTO public.users (email) VALUES ('neighbour@example.com');
      CREATE SCHEMA other_app;
      CREATE TABLE other_app.posts (id int);
      CREATE ROLE ${role} LOGIN;
      REVOKE CREATE ON SCHEMA public FROM PUBLIC;
      REVOKE ALL ON DATABASE ${db.name} FROM PUBLIC;
      GRANT CONNECT ON DATABASE ${db.name} TO ${role};
      CREATE SCHEMA ${SCHEMA};
      GRANT USAGE, CREATE ON SCHEMA ${SCHEMA} TO ${role};
    `);
  });
  afterAll(async () => {
    await db?.drop();
    const admin = new pg.Client({ connectionString: db.url.replace(`/${db.name}`, "/postgres") });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  it("migrates up and down as a role confined to the app's schema, touching neither public nor another app", async () => {
    const before = { public: await schemaCatalog(db, "public"), other: await schemaCatalog(db, "other_app") };
    const settings = { DATABASE_URL: db.urlAs(role), DATABASE_SCHEMA: SCHEMA };
    expect(await runMigrations(settings, silentLogger)).toEqual({ applied: names, createdSchema: false });
    const { rows } = await db.query<{ schema: string; owner: string }>(
      `SELECT DISTINCT n.nspname AS schema, pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    expect(rows).toEqual([
      { schema: "other_app", owner: "postgres" },
      { schema: "public", owner: "postgres" },
      { schema: SCHEMA, owner: role },
    ]);
    await runMigrations(settings, silentLogger, { direction: "down", count: names.length });
    expect(await runMigrations(settings, silentLogger)).toMatchObject({ applied: names });
    expect({ public: await schemaCatalog(db, "public"), other: await schemaCatalog(db, "other_app") }).toEqual(before);

    const client = new pg.Client({ connectionString: db.urlAs(role) });
    await client.connect();
    try {
      await expect(client.query("CREATE TABLE public.probe (id int)")).rejects.toMatchObject({ code: "42501" });
      await expect(client.query("SELECT * FROM other_app.posts")).rejects.toMatchObject({ code: "42501" });
    } finally {
      await client.end();
    }
  });
});
