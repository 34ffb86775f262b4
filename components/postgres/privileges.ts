/**
 * What confines one app to its own Postgres schema, per access mode, as a
 * plain list of steps (no Pulumi): `AppSchema` turns each step into one
 * `@pulumi/postgresql` resource, and `renderSql` turns the same steps into the
 * SQL a person (or the isolation test) can run.
 *
 * Rules every plan keeps:
 * - the app gets USAGE and CREATE on its own schema and nothing on any other;
 * - nobody is granted anything on `public`, and no plan alters `public`
 *   (another app may own tables there);
 * - the app never owns its schema, so it cannot drop it or grant it away.
 *
 * What a plan cannot do: on PostgreSQL 14 and older the pseudo-role PUBLIC
 * holds CREATE on `public` by default (CVE-2018-1058). Fleet does not revoke
 * it, because that alters `public`; the database's operator should run
 * `REVOKE CREATE ON SCHEMA public FROM PUBLIC` once. Heroku Postgres and
 * PostgreSQL 15+ already have it revoked.
 */
import { POSTGRES_IDENTIFIER } from "../naming";

/** How an app's connections are confined to its schema. */
export type DatabaseAccess =
  /** Essential plans: the database's one credential, confined by `search_path` and the app's own schema. */
  | "default-credential"
  /** Standard+ plans: a Heroku Postgres credential per app, granted only its schema. */
  | "heroku-credential"
  /** Postgres outside Heroku (Supabase, Neon, RDS): a LOGIN role per app, granted only its schema. */
  | "external-role";

export const DATABASE_ACCESS_MODES: readonly DatabaseAccess[] = ["default-credential", "heroku-credential", "external-role"];

/** Every privilege a table can carry before PostgreSQL 17 (what an owner's own table gives it). */
export const TABLE_PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"] as const;
export const SEQUENCE_PRIVILEGES = ["USAGE", "SELECT", "UPDATE"] as const;
export const SCHEMA_PRIVILEGES = ["USAGE", "CREATE"] as const;

/**
 * One step of a plan. `Name` is the type of role names: `string` for SQL,
 * `pulumi.Input<string>` when the role is only known after deploy (a Heroku
 * credential's user), so the component builds resources from the same plan.
 */
export type PrivilegeStep<Name = string> =
  /** The app's schema, owned by whoever runs the plan (the database's owner credential). */
  | { readonly kind: "create-schema"; readonly schema: string }
  /** A LOGIN role whose every session starts in the app's schema. */
  | { readonly kind: "create-role"; readonly role: Name; readonly searchPath: readonly string[] }
  /** USAGE (see objects) and CREATE (make tables) on the app's schema. */
  | { readonly kind: "grant-schema"; readonly role: Name; readonly schema: string; readonly privileges: readonly string[] }
  /**
   * Privileges the role gets on tables or sequences that `owner` creates in the
   * schema later (operators running DDL as the owner credential). Tables the
   * app creates itself it owns.
   */
  | {
      readonly kind: "default-privileges";
      readonly owner: Name | undefined;
      readonly role: Name;
      readonly schema: string;
      readonly objectType: "table" | "sequence";
      readonly privileges: readonly string[];
    };

export interface PrivilegePlan<Name = string> {
  readonly access: DatabaseAccess;
  readonly schema: string;
  /** The role the app connects as; undefined for `default-credential` (it uses the owner credential). */
  readonly role: Name | undefined;
  readonly steps: readonly PrivilegeStep<Name>[];
  /** How the app reaches its schema and what confines it, for `plan` output and reviewers. */
  readonly confinement: string;
}

export interface PlanOptions<Name = string> {
  /**
   * The role that runs the plan and creates objects outside the app (the
   * database's owner credential). Default privileges name it with FOR ROLE;
   * when undefined they apply to whoever runs them.
   */
  readonly owner?: Name;
}

const RESERVED_SCHEMAS = new Set(["public", "information_schema"]);

/** The LOGIN role `external-role` creates for a schema: `<schema>_app`, within Postgres' 63-byte limit. */
export function externalRoleName(schema: string): string {
  return `${schema.slice(0, 63 - "_app".length)}_app`;
}

/** Why a schema name cannot be an app's schema, or undefined when it can. */
export function schemaNameProblem(schema: string): string | undefined {
  if (!POSTGRES_IDENTIFIER.test(schema)) {
    return `schema '${schema}' is not a plain Postgres identifier (lowercase letters, digits and _, starting with a letter or _, at most 63)`;
  }
  if (RESERVED_SCHEMAS.has(schema) || schema.startsWith("pg_")) {
    return `schema '${schema}' is shared or reserved by Postgres; an app needs a schema of its own`;
  }
  return undefined;
}

/**
 * The steps that confine an app to `schema`. `role` is the app's role:
 * required for `heroku-credential` (the credential's user), ignored for
 * `default-credential`, and for `external-role` the role to create
 * (use `externalRoleName(schema)`).
 */
export function schemaPrivilegePlan<Name = string>(
  access: DatabaseAccess,
  schema: string,
  role: Name | undefined,
  options: PlanOptions<Name> = {},
): PrivilegePlan<Name> {
  const problem = schemaNameProblem(schema);
  if (problem) throw new Error(`${problem}; set the app's database schema to its snake_case name`);
  const createSchema: PrivilegeStep<Name> = { kind: "create-schema", schema };
  if (access === "default-credential") {
    return {
      access,
      schema,
      role: undefined,
      steps: [createSchema],
      confinement:
        `the app shares the database's owner credential and reaches schema ${schema} by setting search_path ` +
        `from DATABASE_SCHEMA on each connection; Essential plans allow no other role, so nothing stronger is possible`,
    };
  }
  if (role === undefined) {
    throw new Error(`${access} access to schema '${schema}' needs the role the app connects as`);
  }
  const grants = appGrants(schema, role, options.owner);
  if (access === "heroku-credential") {
    return {
      access,
      schema,
      role,
      steps: [createSchema, ...grants],
      confinement: `the app's Heroku credential has USAGE and CREATE on schema ${schema} only; it sets search_path from DATABASE_SCHEMA`,
    };
  }
  return {
    access,
    schema,
    role,
    steps: [createSchema, { kind: "create-role", role, searchPath: [schema] }, ...grants],
    confinement: `the app logs in as its own role, whose search_path is ${schema} and which has USAGE and CREATE on schema ${schema} only`,
  };
}

function appGrants<Name>(schema: string, role: Name, owner: Name | undefined): PrivilegeStep<Name>[] {
  return [
    { kind: "grant-schema", role, schema, privileges: [...SCHEMA_PRIVILEGES] },
    { kind: "default-privileges", owner, role, schema, objectType: "table", privileges: [...TABLE_PRIVILEGES] },
    { kind: "default-privileges", owner, role, schema, objectType: "sequence", privileges: [...SEQUENCE_PRIVILEGES] },
  ];
}

/** A double-quoted SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A single-quoted SQL string literal. */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

export interface RenderOptions {
  /** Password of the role `create-role` makes; without it the role is created without one. */
  readonly password?: string;
}

/**
 * The plan as SQL statements, in order, each ending with `;`. Idempotent
 * except for CREATE ROLE (Postgres has no IF NOT EXISTS for roles).
 * Never print the result when a password was given.
 */
export function renderSql(plan: PrivilegePlan<string>, options: RenderOptions = {}): string[] {
  return plan.steps.flatMap((step) => renderStep(step, options));
}

function renderStep(step: PrivilegeStep<string>, options: RenderOptions): string[] {
  switch (step.kind) {
    case "create-schema":
      return [`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(step.schema)};`];
    case "create-role": {
      const password = options.password === undefined ? "" : ` PASSWORD ${quoteLiteral(options.password)}`;
      return [
        `CREATE ROLE ${quoteIdent(step.role)} LOGIN${password};`,
        `ALTER ROLE ${quoteIdent(step.role)} SET search_path TO ${step.searchPath.map(quoteIdent).join(", ")};`,
      ];
    }
    case "grant-schema":
      return [`GRANT ${step.privileges.join(", ")} ON SCHEMA ${quoteIdent(step.schema)} TO ${quoteIdent(step.role)};`];
    case "default-privileges": {
      const forRole = step.owner === undefined ? "" : ` FOR ROLE ${quoteIdent(step.owner)}`;
      const objects = step.objectType === "table" ? "TABLES" : "SEQUENCES";
      return [
        `ALTER DEFAULT PRIVILEGES${forRole} IN SCHEMA ${quoteIdent(step.schema)} ` +
          `GRANT ${step.privileges.join(", ")} ON ${objects} TO ${quoteIdent(step.role)};`,
      ];
    }
  }
}
