/**
 * What every schema-isolation test sets up and looks at: a login role
 * confined the way fleet confines an app's release (its own schema, nothing
 * in `public`, no other schema), the refusal such a role meets, and a textual
 * catalog of schemas to compare before and after the migrations ran.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { expect } from "vitest";
import { adminQuery, type TestDatabase } from "./database.js";

export interface ConfinedRole {
  readonly name: string;
  /** The test database as this role. */
  readonly url: string;
  /** Drops the role: call it after the database is dropped (the role owns what it migrated). */
  drop(): Promise<void>;
}

/**
 * Creates `<namePrefix>_<random>`, a login role that may connect to `db` and
 * create nothing in `public`. With `schema`, fleet's part of a release is done
 * too: the schema exists and the role may use it and create in it.
 */
export async function createConfinedRole(db: TestDatabase, namePrefix: string, options: { readonly schema?: string } = {}): Promise<ConfinedRole> {
  const name = `${namePrefix}_${randomBytes(3).toString("hex")}`;
  const ownSchema = options.schema === undefined ? "" : `CREATE SCHEMA ${options.schema}; GRANT USAGE, CREATE ON SCHEMA ${options.schema} TO ${name};`;
  await db.query(`
    CREATE ROLE ${name} LOGIN;
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    REVOKE ALL ON DATABASE ${db.name} FROM PUBLIC;
    GRANT CONNECT ON DATABASE ${db.name} TO ${name};
    ${ownSchema}`);
  return { name, url: db.urlAs(name), drop: () => adminQuery(`DROP ROLE IF EXISTS ${name}`) };
}

/** Runs `sql` as the role behind `url` and expects Postgres to refuse it (42501, insufficient privilege). */
export async function expectPermissionDenied(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await expect(client.query(sql), sql).rejects.toMatchObject({ code: "42501" });
  } finally {
    await client.end();
  }
}

/**
 * Everything Postgres knows about `schemas` as sorted lines — the schemas'
 * owners and grants; their tables, views, sequences and indexes with owners and
 * grants; columns with types, nullability and defaults; constraints; index
 * definitions; functions; types — plus the installed extensions and the rows
 * of the `dataOf` tables. Equal text before and after means nothing there changed.
 */
export async function schemaCatalog(db: TestDatabase, schemas: readonly string[], dataOf: readonly string[] = []): Promise<string> {
  const data = dataOf.map((table) => `SELECT 'data ${table} ' || coalesce(string_agg(t::text, '|' ORDER BY t::text), '') FROM ${table} t`);
  const { rows } = await db.query<{ line: string }>(
    `
    SELECT 'schema ' || nspname || ' owner=' || pg_get_userbyid(nspowner) || ' acl=' || coalesce(nspacl::text, '') AS line
      FROM pg_namespace WHERE nspname = ANY($1::text[])
    UNION ALL
    SELECT 'relation ' || n.nspname || '.' || c.relname || ' kind=' || c.relkind::text || ' owner=' || pg_get_userbyid(c.relowner) || ' acl=' || coalesce(c.relacl::text, '')
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($1::text[])
    UNION ALL
    SELECT 'column ' || n.nspname || '.' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' notnull=' || a.attnotnull
           || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = ANY($1::text[]) AND a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT 'constraint ' || n.nspname || '.' || co.conname || ' ' || pg_get_constraintdef(co.oid)
      FROM pg_constraint co JOIN pg_namespace n ON n.oid = co.connamespace WHERE n.nspname = ANY($1::text[])
    UNION ALL
    SELECT 'index ' || pg_get_indexdef(i.indexrelid)
      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($1::text[])
    UNION ALL
    SELECT 'function ' || n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY($1::text[])
    UNION ALL
    SELECT 'type ' || n.nspname || '.' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ANY($1::text[])
    UNION ALL
    SELECT 'extension ' || extname || ' ' || extversion FROM pg_extension
    ${data.map((select) => `UNION ALL ${select}`).join("\n")}
    ORDER BY 1`,
    [schemas],
  );
  return rows.map((row) => row.line).join("\n");
}
