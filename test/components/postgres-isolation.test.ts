/**
 * Schema isolation on a real Postgres: the SQL of each access mode's plan,
 * applied as a non-superuser database owner (as on Heroku or Supabase), keeps
 * every app inside its own schema and leaves `public` exactly as it was.
 * Needs the local server (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { randomBytes } from "node:crypto";
import { Client, type ClientConfig } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { externalRoleName, quoteIdent, renderSql, schemaPrivilegePlan } from "../../components/postgres/privileges";

const ADMIN_URL = new URL(process.env["DATABASE_URL"] || "postgres://postgres@127.0.0.1:5432/postgres");
const token = randomBytes(4).toString("hex");
const DATABASE = `fleet_iso_${token}`;
const OWNER = `fleet_owner_${token}`;
/** App A: a Heroku credential (made by Heroku's API; here by the superuser), with nothing granted. */
const SCHEMA_A = "app_a";
const ROLE_A = `fleet_cred_a_${token}`;
/** App B: an external role the plan creates itself. Roles are cluster-wide, so the schema carries the token. */
const SCHEMA_B = `app_b_${token}`;
const ROLE_B = externalRoleName(SCHEMA_B);
const PASSWORD_B = randomBytes(12).toString("hex");
/** App C: the owner credential, by search_path only. */
const SCHEMA_C = "app_c";

function connection(user: string, database: string, password?: string): ClientConfig {
  return {
    host: ADMIN_URL.hostname,
    port: Number(ADMIN_URL.port || 5432),
    user,
    database,
    ...(password !== undefined ? { password } : ADMIN_URL.password ? { password: decodeURIComponent(ADMIN_URL.password) } : {}),
  };
}

const clients: Client[] = [];
async function connect(config: ClientConfig): Promise<Client> {
  const client = new Client(config);
  await client.connect();
  clients.push(client);
  return client;
}

async function runAll(client: Client, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await client.query(statement);
}

/** Asserts Postgres refuses the statement for lack of privilege (42501), not for any other reason. */
async function expectDenied(client: Client, sql: string): Promise<void> {
  await expect(client.query(sql), sql).rejects.toMatchObject({ code: "42501" });
}

/** Everything that describes `public`: its ACL and owner, its objects, their ACLs, owners and columns, default ACLs, rows of users. */
async function publicCatalog(client: Client): Promise<unknown> {
  const schema = await client.query(
    "SELECT nspowner::regrole::text AS owner, coalesce(nspacl::text, '') AS acl FROM pg_namespace WHERE nspname = 'public'",
  );
  const objects = await client.query(`
    SELECT c.relname, c.relkind, c.relowner::regrole::text AS owner, coalesce(c.relacl::text, '') AS acl,
           (SELECT string_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod), ',' ORDER BY a.attnum)
              FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' ORDER BY c.relname`);
  const defaults = await client.query(
    "SELECT defaclrole::regrole::text AS role, defaclobjtype, defaclacl::text FROM pg_default_acl WHERE defaclnamespace = 'public'::regnamespace ORDER BY 1, 2",
  );
  const rows = await client.query("SELECT id, email FROM public.users ORDER BY id");
  return { schema: schema.rows, objects: objects.rows, defaults: defaults.rows, rows: rows.rows };
}

let admin: Client;
let owner: Client;
let appA: Client;
let appB: Client;
let publicBefore: unknown;

beforeAll(async () => {
  admin = await connect(connection(decodeURIComponent(ADMIN_URL.username || "postgres"), ADMIN_URL.pathname.slice(1) || "postgres"));
  // The database owner is not a superuser, like Heroku's default credential; CREATEROLE stands for an external admin.
  await admin.query(`CREATE ROLE ${quoteIdent(OWNER)} LOGIN CREATEROLE`);
  await admin.query(`CREATE DATABASE ${quoteIdent(DATABASE)} OWNER ${quoteIdent(OWNER)}`);
  await admin.query(`CREATE ROLE ${quoteIdent(ROLE_A)} LOGIN`);

  owner = await connect(connection(OWNER, DATABASE));
  // Another app's table, already there before fleet arrives.
  await owner.query("CREATE TABLE public.users (id serial PRIMARY KEY, email text NOT NULL)");
  await owner.query("INSERT INTO public.users (email) VALUES ('someone@example.com')");
  publicBefore = await publicCatalog(owner);

  await runAll(owner, renderSql(schemaPrivilegePlan("heroku-credential", SCHEMA_A, ROLE_A, { owner: OWNER })));
  await runAll(owner, renderSql(schemaPrivilegePlan("external-role", SCHEMA_B, ROLE_B, { owner: OWNER }), { password: PASSWORD_B }));
  await runAll(owner, renderSql(schemaPrivilegePlan<string>("default-credential", SCHEMA_C, undefined)));
  // Running a plan twice must not fail (schemas are IF NOT EXISTS; grants repeat harmlessly).
  await runAll(owner, renderSql(schemaPrivilegePlan("heroku-credential", SCHEMA_A, ROLE_A, { owner: OWNER })));

  appA = await connect(connection(ROLE_A, DATABASE));
  // Heroku credentials get their schema from DATABASE_SCHEMA, set by the app on each connection.
  await appA.query(`SET search_path TO ${quoteIdent(SCHEMA_A)}`);
  appB = await connect(connection(ROLE_B, DATABASE, PASSWORD_B));
});

afterAll(async () => {
  await Promise.allSettled(clients.filter((c) => c !== admin).map((c) => c.end()));
  if (!admin) return;
  await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(DATABASE)} WITH (FORCE)`).catch(() => undefined);
  for (const role of [ROLE_A, ROLE_B, OWNER]) await admin.query(`DROP ROLE IF EXISTS ${quoteIdent(role)}`).catch(() => undefined);
  const left = await admin.query("SELECT rolname FROM pg_roles WHERE rolname = ANY($1)", [[ROLE_A, ROLE_B, OWNER]]);
  await admin.end();
  expect(left.rows).toEqual([]);
});

describe("schema isolation on a real Postgres", () => {
  it("the external role starts in its own schema", async () => {
    const { rows } = await appB.query("SHOW search_path");
    expect(rows[0].search_path).toBe(SCHEMA_B);
  });

  it.each([
    ["A (heroku-credential)", () => appA, SCHEMA_A],
    ["B (external-role)", () => appB, SCHEMA_B],
  ])("app %s creates, alters and uses tables in its own schema", async (_label, client, schema) => {
    const c = client();
    await c.query("CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL)");
    await c.query("ALTER TABLE items ADD COLUMN price_cents integer NOT NULL DEFAULT 0");
    await c.query("CREATE INDEX items_name ON items (name)");
    await c.query("INSERT INTO items (name, price_cents) VALUES ('a', 100)");
    const { rows } = await c.query("SELECT relname AS name, relnamespace::regnamespace::text AS schema, (SELECT count(*)::int FROM items) AS n FROM pg_class WHERE oid = 'items'::regclass");
    expect(rows[0]).toEqual({ name: "items", schema, n: 1 });
  });

  it.each([
    ["A", () => appA, SCHEMA_A],
    ["B", () => appB, SCHEMA_B],
  ])("app %s can use a table the owner creates in its schema later (default privileges)", async (_label, client, schema) => {
    await owner.query(`CREATE TABLE ${quoteIdent(schema)}.owner_made (id serial PRIMARY KEY, v text)`);
    const c = client();
    await c.query(`INSERT INTO ${quoteIdent(schema)}.owner_made (v) VALUES ('x')`);
    await c.query(`UPDATE ${quoteIdent(schema)}.owner_made SET v = 'y'`);
    const { rows } = await c.query(`SELECT v FROM ${quoteIdent(schema)}.owner_made`);
    expect(rows).toEqual([{ v: "y" }]);
  });

  it.each([
    ["A", () => appA],
    ["B", () => appB],
  ])("app %s cannot create in public, nor read or write another app's table there", async (_label, client) => {
    const c = client();
    await expectDenied(c, "CREATE TABLE public.intruder (id int)");
    await expectDenied(c, "SELECT * FROM public.users");
    await expectDenied(c, "INSERT INTO public.users (email) VALUES ('x@example.com')");
    await expectDenied(c, "ALTER TABLE public.users ADD COLUMN hacked boolean");
    await expectDenied(c, "DROP TABLE public.users");
  });

  it("each app is shut out of the other's schema", async () => {
    for (const [c, other] of [
      [appA, SCHEMA_B],
      [appB, SCHEMA_A],
    ] as const) {
      await expectDenied(c, `SELECT * FROM ${quoteIdent(other)}.items`);
      await expectDenied(c, `INSERT INTO ${quoteIdent(other)}.items (name) VALUES ('x')`);
      await expectDenied(c, `CREATE TABLE ${quoteIdent(other)}.intruder (id int)`);
      await expectDenied(c, `DROP TABLE ${quoteIdent(other)}.items`);
    }
    // …and out of the owner-only schema of app C.
    await expectDenied(appA, `CREATE TABLE ${quoteIdent(SCHEMA_C)}.intruder (id int)`);
  });

  it("no app can drop or give away its own schema", async () => {
    await expectDenied(appA, `DROP SCHEMA ${quoteIdent(SCHEMA_A)} CASCADE`);
    await expectDenied(appB, `ALTER SCHEMA ${quoteIdent(SCHEMA_B)} RENAME TO stolen`);
  });

  it("public is exactly as before: no grant, no object, no default privilege changed", async () => {
    expect(await publicCatalog(owner)).toEqual(publicBefore);
  });

  it("the roles hold privileges on their own schema only", async () => {
    const { rows } = await owner.query(
      `SELECT n.nspname, r.rolname,
              has_schema_privilege(r.oid, n.oid, 'USAGE') AS usage, has_schema_privilege(r.oid, n.oid, 'CREATE') AS create
         FROM pg_namespace n CROSS JOIN pg_roles r
        WHERE r.rolname = ANY($1) AND (has_schema_privilege(r.oid, n.oid, 'USAGE') OR has_schema_privilege(r.oid, n.oid, 'CREATE'))
          AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
        ORDER BY 1, 2`,
      [[ROLE_A, ROLE_B]],
    );
    // public: USAGE through the PUBLIC pseudo-role (Postgres' default, which fleet never alters), never CREATE.
    const key = (r: { nspname: string; rolname: string }): string => `${r.nspname}/${r.rolname}`;
    const sorted = <T extends { nspname: string; rolname: string }>(list: T[]): T[] => [...list].sort((x, y) => (key(x) < key(y) ? -1 : 1));
    expect(sorted(rows)).toEqual(
      sorted([
        { nspname: SCHEMA_A, rolname: ROLE_A, usage: true, create: true },
        { nspname: SCHEMA_B, rolname: ROLE_B, usage: true, create: true },
        { nspname: "public", rolname: ROLE_A, usage: true, create: false },
        { nspname: "public", rolname: ROLE_B, usage: true, create: false },
      ]),
    );
  });
});
