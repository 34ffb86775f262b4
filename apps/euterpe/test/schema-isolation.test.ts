/**
 * The database is shared with bookshelf-hermes, which owns `public`. The
 * migrations run as a role that may use only the app's schema, and leave
 * `public` exactly as they found it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMigrations } from "../src/migrator.js";
import { createConfinedRole, expectPermissionDenied, schemaCatalog, type ConfinedRole } from "./kit/schema-isolation.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { FakeSpotify } from "./support/fake-spotify.js";
import { ALICE, Browser, CLIENT_ID, CLIENT_SECRET, logIn, silentLogger, startApp, testEnv, type RunningApp } from "./support/harness.js";

/** Everything Postgres knows about `public`: objects, columns, constraints, indexes, grants, and the data of its tables. */
const publicCatalog = (db: TestDatabase) => schemaCatalog(db, ["public"], ["public.users", "public.books"]);

describe("schema isolation on a database shared with bookshelf-hermes", () => {
  let db: TestDatabase;
  let fake: FakeSpotify;
  let role: ConfinedRole;
  let roleUrl: string;
  let before: string;

  beforeAll(async () => {
    db = await createTestDatabase("isolation");
    fake = await FakeSpotify.start({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, users: [ALICE] });
    // What bookshelf-hermes already has in public, a users table included.
    await db.query(`
      CREATE TABLE public.users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, name text);
      CREATE TABLE public.books (id serial PRIMARY KEY, user_id int REFERENCES public.users (id), title text NOT NULL);
      CREATE INDEX books_title ON public.books (title);
      INSERT INTO public.users (email, name) VALUES ('reader@example.com', 'Reader');
      INSERT INTO public.books (user_id, title) VALUES (1, 'Theogony');
      CREATE SCHEMA bookshelf;
      CREATE TABLE bookshelf.shelves (id int);
    `);
    // Fleet's part: the app's schema and a role confined to it.
    role = await createConfinedRole(db, "euterpe_release", { schema: "euterpe" });
    roleUrl = role.url;
    before = await publicCatalog(db);
  });

  afterAll(async () => {
    await fake?.close();
    await db?.drop();
    await role?.drop();
  });

  it("the role cannot create anything in public nor read another app's schema", async () => {
    await expectPermissionDenied(roleUrl, "CREATE TABLE public.probe (id int)");
    await expectPermissionDenied(roleUrl, "SELECT * FROM bookshelf.shelves");
    await expectPermissionDenied(roleUrl, "CREATE SCHEMA IF NOT EXISTS euterpe");
  });

  it("migrates as that role: tables and the migrations table land in euterpe, public is untouched", async () => {
    const first = await runMigrations({ DATABASE_URL: roleUrl, DATABASE_SCHEMA: "euterpe" }, silentLogger);
    expect(first).toEqual({ applied: ["1767225600000_users-and-tokens"], createdSchema: false });

    const { rows } = await db.query<{ schema: string; name: string; owner: string }>(`
      SELECT n.nspname AS schema, c.relname AS name, pg_get_userbyid(c.relowner) AS owner
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`);
    expect(rows).toEqual([
      { schema: "bookshelf", name: "shelves", owner: "postgres" },
      { schema: "euterpe", name: "pgmigrations", owner: role.name },
      { schema: "euterpe", name: "user_tokens", owner: role.name },
      { schema: "euterpe", name: "users", owner: role.name },
      { schema: "public", name: "books", owner: "postgres" },
      { schema: "public", name: "users", owner: "postgres" },
    ]);
    expect(await publicCatalog(db)).toBe(before);
  });

  it("is idempotent: a second release applies nothing and changes nothing", async () => {
    const second = await runMigrations({ DATABASE_URL: roleUrl, DATABASE_SCHEMA: "euterpe" }, silentLogger);
    expect(second).toEqual({ applied: [], createdSchema: false });
    expect(await publicCatalog(db)).toBe(before);
  });

  describe("/db_check, served as the confined role", () => {
    let app: RunningApp;

    beforeAll(async () => {
      app = await startApp({ env: testEnv(roleUrl, fake.url) });
    });
    afterAll(async () => {
      await app?.close();
    });

    it("passes while public holds only bookshelf-hermes's own users table", async () => {
      const browser = new Browser(app.url);
      expect((await logIn(browser, fake, ALICE)).status).toBe(302);
      const response = await browser.get("/db_check");
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        status: "ok",
        schema: "euterpe",
        tables: ["user_tokens", "users"],
        users_count: 1,
        public_safety_check: "passed",
      });
      expect(await publicCatalog(db)).toBe(before);
    });

    it("fails when a euterpe table shows up in public", async () => {
      await db.query("CREATE TABLE public.user_tokens (LIKE euterpe.user_tokens)");
      try {
        const body = await (await fetch(`${app.url}/db_check`)).json();
        expect(body).toMatchObject({ public_safety_check: "failed", public_conflicts: ["public.user_tokens"] });
      } finally {
        await db.query("DROP TABLE public.user_tokens");
      }
    });
  });
});

describe("first release on a database without the schema", () => {
  it("creates the schema when the role may, and fails loudly when it may not", async () => {
    const db = await createTestDatabase("fresh");
    const role = await createConfinedRole(db, "euterpe_nocreate");
    try {
      await expect(runMigrations({ DATABASE_URL: role.url, DATABASE_SCHEMA: "euterpe" }, silentLogger)).rejects.toMatchObject({
        code: "42501",
      });
      const { rows } = await db.query("SELECT 1 FROM pg_namespace WHERE nspname = 'euterpe'");
      expect(rows).toHaveLength(0);

      const owner = await runMigrations({ DATABASE_URL: db.url, DATABASE_SCHEMA: "euterpe" }, silentLogger);
      expect(owner).toEqual({ applied: ["1767225600000_users-and-tokens"], createdSchema: true });
      const tables = await db.query<{ table_schema: string }>(
        "SELECT DISTINCT table_schema FROM information_schema.tables WHERE table_name IN ('users', 'user_tokens', 'pgmigrations')",
      );
      expect(tables.rows).toEqual([{ table_schema: "euterpe" }]);
    } finally {
      await db.drop();
      await role.drop();
    }
  });

  it("adopts tables the Flask version already created, keeping their rows", async () => {
    const db = await createTestDatabase("adopt");
    try {
      await db.query(`
        CREATE SCHEMA euterpe;
        CREATE TABLE euterpe.users (id varchar(36) PRIMARY KEY, spotify_user_id varchar(255) UNIQUE NOT NULL,
          display_name varchar(255) NOT NULL, email varchar(255), created_at timestamp NOT NULL, updated_at timestamp NOT NULL);
        INSERT INTO euterpe.users VALUES ('0b6f7c1e-0000-4000-8000-000000000001', 'flask-user', 'From Flask', NULL, now(), now());`);
      const result = await runMigrations({ DATABASE_URL: db.url, DATABASE_SCHEMA: "euterpe" }, silentLogger);
      expect(result.applied).toHaveLength(1);
      const { rows } = await db.query("SELECT spotify_user_id FROM euterpe.users");
      expect(rows).toEqual([{ spotify_user_id: "flask-user" }]);
    } finally {
      await db.drop();
    }
  });
});
