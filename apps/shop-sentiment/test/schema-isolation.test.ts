/**
 * The database may be shared with other apps. The migrations run as a role
 * that may use only the app's schema, land every table (and the migrations
 * table) there, leave `public` and other schemas exactly as they were, and
 * are idempotent. The app then serves as that role.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMigrations } from "../src/migrator.js";
import { adminQuery, createTestDatabase, type TestDatabase } from "./support/database.js";
import { addReview, call, createProduct, silentLogger, startApp, testEnv, type ProductBody } from "./support/harness.js";
import { deleteKeysUnder, testKeyPrefix } from "./support/redis.js";

const MIGRATION = "1767225600000_products-and-reviews";

/** Everything Postgres knows about `public` and a neighbour's schema: objects, columns, grants and data. */
async function neighbourCatalog(db: TestDatabase): Promise<string> {
  const { rows } = await db.query<{ line: string }>(`
    SELECT 'schema ' || nspname || ' owner=' || pg_get_userbyid(nspowner) || ' acl=' || coalesce(nspacl::text, '') AS line
      FROM pg_namespace WHERE nspname IN ('public', 'neighbour')
    UNION ALL
    SELECT 'relation ' || n.nspname || '.' || c.relname || ' kind=' || c.relkind::text || ' acl=' || coalesce(c.relacl::text, '')
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'neighbour')
    UNION ALL
    SELECT 'column ' || n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname IN ('public', 'neighbour') AND a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT 'function ' || proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
    UNION ALL
    SELECT 'data public.products ' || coalesce(string_agg(p::text, '|' ORDER BY p.id), '') FROM public.products p
    UNION ALL
    SELECT 'data neighbour.reviews ' || coalesce(string_agg(r::text, '|' ORDER BY r.id), '') FROM neighbour.reviews r
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

describe("schema isolation on a shared database", () => {
  let db: TestDatabase;
  const role = `shop_sentiment_release_${randomBytes(3).toString("hex")}`;
  const redisPrefix = testKeyPrefix("isolation");
  let roleUrl: string;
  let before: string;

  beforeAll(async () => {
    db = await createTestDatabase("isolation");
    // A neighbour app owns public (with tables named like ours) and a schema of its own.
    await db.query(`
      CREATE TABLE public.products (id serial PRIMARY KEY, title text NOT NULL);
      INSERT INTO public.products (title) VALUES ('not ours');
      CREATE SCHEMA neighbour;
      CREATE TABLE neighbour.reviews (id serial PRIMARY KEY, body text);
      INSERT INTO neighbour.reviews (body) VALUES ('theirs');
    `);
    // Fleet's part: the app's schema and a role confined to it.
    await db.query(`
      CREATE ROLE ${role} LOGIN;
      REVOKE CREATE ON SCHEMA public FROM PUBLIC;
      REVOKE ALL ON DATABASE ${db.name} FROM PUBLIC;
      GRANT CONNECT ON DATABASE ${db.name} TO ${role};
      CREATE SCHEMA shop_sentiment;
      GRANT USAGE, CREATE ON SCHEMA shop_sentiment TO ${role};
    `);
    roleUrl = db.urlAs(role);
    before = await neighbourCatalog(db);
  });

  afterAll(async () => {
    await db?.drop();
    await adminQuery(`DROP ROLE IF EXISTS ${role}`);
    await deleteKeysUnder(redisPrefix);
  });

  it("the role cannot create anything in public nor read another app's schema", async () => {
    await expectPermissionDenied(roleUrl, "CREATE TABLE public.probe (id int)");
    await expectPermissionDenied(roleUrl, "SELECT * FROM neighbour.reviews");
    await expectPermissionDenied(roleUrl, "SELECT * FROM public.products");
  });

  it("migrates as that role: every table lands in shop_sentiment, public and the neighbour are untouched", async () => {
    const first = await runMigrations({ DATABASE_URL: roleUrl, DATABASE_SCHEMA: "shop_sentiment" }, silentLogger);
    expect(first).toEqual({ applied: [MIGRATION], createdSchema: false });
    const { rows } = await db.query<{ schema: string; name: string; owner: string }>(`
      SELECT n.nspname AS schema, c.relname AS name, pg_get_userbyid(c.relowner) AS owner
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`);
    expect(rows).toEqual([
      { schema: "neighbour", name: "reviews", owner: "postgres" },
      { schema: "public", name: "products", owner: "postgres" },
      { schema: "shop_sentiment", name: "pgmigrations", owner: role },
      { schema: "shop_sentiment", name: "products", owner: role },
      { schema: "shop_sentiment", name: "reviews", owner: role },
    ]);
    expect(await neighbourCatalog(db)).toBe(before);
  });

  it("is idempotent: a second release applies nothing and changes nothing", async () => {
    const second = await runMigrations({ DATABASE_URL: roleUrl, DATABASE_SCHEMA: "shop_sentiment" }, silentLogger);
    expect(second).toEqual({ applied: [], createdSchema: false });
    expect(await neighbourCatalog(db)).toBe(before);
  });

  it("the app serves as that role, reading and writing only its own tables", async () => {
    const app = await startApp({ env: testEnv(roleUrl, redisPrefix) });
    try {
      const product = await createProduct(app.url, { name: "Confined" });
      await addReview(app.url, product.id, { text: "Works well" });
      const read = await call<ProductBody>(app.url, "GET", `/api/v1/products/${product.id}`);
      expect(read.body).toMatchObject({ name: "Confined", review_count: 1 });
      expect((await call(app.url, "GET", "/health")).status).toBe(200);
    } finally {
      await app.close();
    }
    expect(await neighbourCatalog(db)).toBe(before);
  });
});

describe("first release on a database without the schema", () => {
  it("creates the schema when the role may, and fails without creating anything when it may not", async () => {
    const db = await createTestDatabase("fresh");
    const role = `shop_sentiment_nocreate_${randomBytes(3).toString("hex")}`;
    try {
      await db.query(`CREATE ROLE ${role} LOGIN; REVOKE ALL ON DATABASE ${db.name} FROM PUBLIC; GRANT CONNECT ON DATABASE ${db.name} TO ${role}`);
      await expect(runMigrations({ DATABASE_URL: db.urlAs(role), DATABASE_SCHEMA: "shop_sentiment" }, silentLogger)).rejects.toMatchObject({ code: "42501" });
      expect((await db.query("SELECT 1 FROM pg_namespace WHERE nspname = 'shop_sentiment'")).rows).toHaveLength(0);

      const owner = await runMigrations({ DATABASE_URL: db.url, DATABASE_SCHEMA: "shop_sentiment" }, silentLogger);
      expect(owner).toEqual({ applied: [MIGRATION], createdSchema: true });
      const tables = await db.query("SELECT DISTINCT table_schema FROM information_schema.tables WHERE table_name IN ('products', 'reviews', 'pgmigrations')");
      expect(tables.rows).toEqual([{ table_schema: "shop_sentiment" }]);
    } finally {
      await db.drop();
      await adminQuery(`DROP ROLE IF EXISTS ${role}`);
    }
  });
});
