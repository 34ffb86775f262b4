/**
 * The database may be shared with other apps. The migrations run as a role
 * that may use only the app's schema, land every table (and the migrations
 * table) there, leave `public` and other schemas exactly as they were, and
 * are idempotent. The app then serves as that role.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMigrations } from "../src/migrator.js";
import { createConfinedRole, expectPermissionDenied, schemaCatalog, type ConfinedRole } from "./kit/schema-isolation.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { addReview, call, createProduct, silentLogger, startApp, testEnv, type ProductBody } from "./support/harness.js";
import { deleteKeysUnder, testKeyPrefix } from "./support/redis.js";

const MIGRATION = "1767225600000_products-and-reviews";

/** Everything Postgres knows about `public` and a neighbour's schema: objects, columns, grants and data. */
const neighbourCatalog = (db: TestDatabase) => schemaCatalog(db, ["public", "neighbour"], ["public.products", "neighbour.reviews"]);

describe("schema isolation on a shared database", () => {
  let db: TestDatabase;
  let role: ConfinedRole;
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
    role = await createConfinedRole(db, "shop_sentiment_release", { schema: "shop_sentiment" });
    roleUrl = role.url;
    before = await neighbourCatalog(db);
  });

  afterAll(async () => {
    await db?.drop();
    await role?.drop();
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
      { schema: "shop_sentiment", name: "pgmigrations", owner: role.name },
      { schema: "shop_sentiment", name: "products", owner: role.name },
      { schema: "shop_sentiment", name: "reviews", owner: role.name },
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
    const role = await createConfinedRole(db, "shop_sentiment_nocreate");
    try {
      await expect(runMigrations({ DATABASE_URL: role.url, DATABASE_SCHEMA: "shop_sentiment" }, silentLogger)).rejects.toMatchObject({ code: "42501" });
      expect((await db.query("SELECT 1 FROM pg_namespace WHERE nspname = 'shop_sentiment'")).rows).toHaveLength(0);

      const owner = await runMigrations({ DATABASE_URL: db.url, DATABASE_SCHEMA: "shop_sentiment" }, silentLogger);
      expect(owner).toEqual({ applied: [MIGRATION], createdSchema: true });
      const tables = await db.query("SELECT DISTINCT table_schema FROM information_schema.tables WHERE table_name IN ('products', 'reviews', 'pgmigrations')");
      expect(tables.rows).toEqual([{ table_schema: "shop_sentiment" }]);
    } finally {
      await db.drop();
      await role.drop();
    }
  });
});
