import { throwArgsProblems, type ArgsProblem } from "../args-problems";
import * as pulumi from "@pulumi/pulumi";
import * as postgresql from "@pulumi/postgresql";
import * as random from "@pulumi/random";
import { buildDatabaseUrl, parseDatabaseUrl, type DatabaseUrlParts } from "./database-url";
import {
  DATABASE_ACCESS_MODES,
  externalRoleName,
  schemaNameProblem,
  schemaPrivilegePlan,
  type DatabaseAccess,
  type PrivilegeStep,
} from "./privileges";

/** One app's schema in a Postgres database, and what confines the app to it. */
export interface AppSchemaArgs {
  /**
   * The owner (admin) connection URL of the database, as a secret:
   * `postgres://user:password@host:port/database`. On Heroku, the add-on's
   * `DATABASE_URL` (the default credential). A `?sslmode=verify-full` (or
   * `verify-ca`) in it is honoured; anything weaker becomes `require`.
   * @example heroku.databaseUrl  // a secret Output read from the add-on's config
   */
  readonly databaseUrl: pulumi.Input<string>;
  /**
   * The app's schema: a plain lowercase identifier, never `public`.
   * @example "euterpe"
   */
  readonly schema: string;
  /**
   * How the app is confined to the schema:
   * `default-credential` (Essential plans: the owner credential + search_path),
   * `heroku-credential` (Standard+: a Heroku Postgres credential per app),
   * `external-role` (Supabase, Neon, RDS: a LOGIN role made here).
   */
  readonly access: DatabaseAccess;
  /**
   * The Postgres user the app connects as, for `heroku-credential` only: the
   * credential's active user as Heroku reports it. Omit for the other modes
   * (`external-role` creates `<schema>_app` itself).
   * @default undefined
   * @example credential.user
   */
  readonly role?: pulumi.Input<string>;
  /**
   * Whether the database lives outside Heroku, so the `connectionUrl` given to
   * the app must carry `?sslmode=require` (Heroku's own URLs do not need it).
   * @default true for `external-role`, false otherwise
   */
  readonly external?: boolean;
  /**
   * Protect the schema and role and keep them when removed from the program
   * (`protect` + `retainOnDelete`). Set for production. (The schema is kept on
   * removal in every stack: it holds the app's data.)
   * @default false
   */
  readonly protect?: boolean;
}

/** Everything wrong with the args, each with its fix (empty when they are fine). */
export function appSchemaArgsProblems(args: AppSchemaArgs): ArgsProblem[] {
  const problems: ArgsProblem[] = [];
  const schemaProblem = schemaNameProblem(args.schema);
  if (schemaProblem) problems.push({ what: schemaProblem, fix: "give the app a schema named after it in snake_case, e.g. 'bookshelf_hermes'" });
  if (!DATABASE_ACCESS_MODES.includes(args.access)) {
    problems.push({ what: `access '${String(args.access)}' is unknown`, fix: `use one of ${DATABASE_ACCESS_MODES.join(", ")}` });
  }
  if (args.access === "heroku-credential" && args.role === undefined) {
    problems.push({ what: "heroku-credential access needs the credential's user as `role`", fix: "pass the Heroku Postgres credential's user output as `role`" });
  }
  if (args.access === "default-credential" && args.role !== undefined) {
    problems.push({ what: "default-credential access uses the database's own credential, so `role` would be ignored", fix: "remove `role`, or use heroku-credential on a Standard or higher plan" });
  }
  if (args.access === "external-role" && args.role !== undefined) {
    problems.push({ what: `external-role access creates its own role ${externalRoleName(args.schema)}`, fix: "remove `role`" });
  }
  return problems;
}

/** Throws one error listing every problem of the args, each with its fix. */
export function validateAppSchemaArgs(name: string, args: AppSchemaArgs): void {
  throwArgsProblems("AppSchema", name, appSchemaArgsProblems(args), `schema '${args.schema}'`);
}

/**
 * An app's own schema in a (possibly shared) Postgres database, with the role
 * and grants that keep the app inside it. Connects as the database's owner
 * through its own `postgresql.Provider` (`superuser: false`, TLS required), so
 * one stack can manage schemas in several databases. Never touches `public`.
 *
 * @example Minimal: an Essential database shared by search_path
 * ```ts
 * const db = new AppSchema("euterpe-db", {
 *   databaseUrl: sharedDb.url, schema: "euterpe", access: "default-credential",
 * });
 * ```
 *
 * @example Full: a Standard database with a credential per app, protected
 * ```ts
 * const db = new AppSchema("euterpe-db", {
 *   databaseUrl: sharedDb.url,
 *   schema: "euterpe",
 *   access: "heroku-credential",
 *   role: euterpeCredential.user,
 *   protect: true,
 * }, { parent: this });
 * // external-role instead: the app's DATABASE_URL is db.connectionUrl
 * ```
 */
export class AppSchema extends pulumi.ComponentResource {
  /** The schema's name (depends on the schema existing). */
  readonly schemaName: pulumi.Output<string>;
  /** The role the app connects as; undefined for `default-credential`. */
  readonly roleName: pulumi.Output<string> | undefined;
  /** Secret URL the app must use, for `external-role` only (its own role and password). */
  readonly connectionUrl: pulumi.Output<string> | undefined;

  private readonly childOptions: pulumi.CustomResourceOptions;
  private readonly protectedOptions: pulumi.CustomResourceOptions;

  constructor(name: string, args: AppSchemaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleet:postgres:AppSchema", name, {}, opts);
    validateAppSchemaArgs(name, args);
    const protect = args.protect ?? false;
    const external = args.external ?? args.access === "external-role";
    const server = pulumi.secret(pulumi.output(args.databaseUrl).apply((url) => parseDatabaseUrl(url, `AppSchema '${name}' databaseUrl`)));
    const database = plainPart(server, "database");
    const owner = plainPart(server, "username");

    const provider = this.createProvider(name, server);
    this.childOptions = { parent: this, provider };
    this.protectedOptions = { ...this.childOptions, protect, retainOnDelete: protect };

    const roleName = args.access === "external-role" ? externalRoleName(args.schema) : args.role;
    const plan = schemaPrivilegePlan<pulumi.Input<string>>(args.access, args.schema, roleName, { owner });
    const { schema, role, password } = this.createPlanSteps(name, plan.steps, database);

    this.schemaName = schema.name;
    this.roleName = role ? role.name : args.role === undefined ? undefined : pulumi.output(args.role);
    this.connectionUrl = role && password ? appConnectionUrl(server, role, password, external) : undefined;
    this.registerOutputs({ schemaName: this.schemaName, roleName: this.roleName, connectionUrl: this.connectionUrl });
  }

  /** One resource per step of the privilege plan, in its order (schema, role, grants). */
  private createPlanSteps(
    name: string,
    steps: readonly PrivilegeStep<pulumi.Input<string>>[],
    database: pulumi.Input<string>,
  ): { schema: postgresql.Schema; role?: postgresql.Role; password?: random.RandomPassword } {
    let schema: postgresql.Schema | undefined;
    let role: postgresql.Role | undefined;
    let password: random.RandomPassword | undefined;
    for (const step of steps) {
      switch (step.kind) {
        case "create-schema":
          schema = this.createSchema(name, step, database);
          break;
        case "create-role":
          password = this.createPassword(name);
          role = this.createRole(name, step, password);
          break;
        case "grant-schema":
          this.createSchemaGrant(name, step, database, mustExist(schema), role);
          break;
        case "default-privileges":
          this.createDefaultPrivileges(name, step, database, mustExist(schema), role);
          break;
      }
    }
    return { schema: mustExist(schema), ...(role ? { role } : {}), ...(password ? { password } : {}) };
  }

  /** A provider connected as the database's owner: managed services have no superuser. */
  private createProvider(name: string, server: pulumi.Output<DatabaseUrlParts>): postgresql.Provider {
    return new postgresql.Provider(
      `${name}-provider`,
      {
        host: plainPart(server, "host"),
        port: plainPart(server, "port"),
        username: plainPart(server, "username"),
        password: pulumi.secret(server.apply((s) => s.password)),
        database: plainPart(server, "database"),
        sslmode: plainPart(server, "sslmode"),
        superuser: false,
      },
      { parent: this },
    );
  }

  /**
   * The schema, owned by the owner credential. It holds the app's data, so
   * fleet never drops it, in any stack: removing the app (or destroying the
   * stack) forgets it, and it goes only with its database. Dropping it would
   * also fail while it holds tables (`dropCascade: false`).
   */
  private createSchema(name: string, step: Extract<PrivilegeStep, { kind: "create-schema" }>, database: pulumi.Input<string>): postgresql.Schema {
    return new postgresql.Schema(
      `${name}-schema`,
      { name: step.schema, database, ifNotExists: true, dropCascade: false },
      { ...this.protectedOptions, retainOnDelete: true },
    );
  }

  /** The external role's password: no specials, so the URL needs no escaping. */
  private createPassword(name: string): random.RandomPassword {
    return new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this });
  }

  private createRole(
    name: string,
    step: Extract<PrivilegeStep<pulumi.Input<string>>, { kind: "create-role" }>,
    password: random.RandomPassword,
  ): postgresql.Role {
    return new postgresql.Role(
      `${name}-role`,
      { name: step.role, login: true, password: pulumi.secret(password.result), searchPaths: [...step.searchPath] },
      this.protectedOptions,
    );
  }

  /** USAGE + CREATE on the app's schema: it can make and change its own tables there, and nothing elsewhere. */
  private createSchemaGrant(
    name: string,
    step: Extract<PrivilegeStep<pulumi.Input<string>>, { kind: "grant-schema" }>,
    database: pulumi.Input<string>,
    schema: postgresql.Schema,
    role: postgresql.Role | undefined,
  ): postgresql.Grant {
    return new postgresql.Grant(
      `${name}-schema-grant`,
      { database, schema: schema.name, role: role?.name ?? step.role, objectType: "schema", privileges: [...step.privileges] },
      this.childOptions,
    );
  }

  /** What the app may do with tables or sequences the owner creates in its schema later. */
  private createDefaultPrivileges(
    name: string,
    step: Extract<PrivilegeStep<pulumi.Input<string>>, { kind: "default-privileges" }>,
    database: pulumi.Input<string>,
    schema: postgresql.Schema,
    role: postgresql.Role | undefined,
  ): postgresql.DefaultPrivileges {
    return new postgresql.DefaultPrivileges(
      `${name}-default-${step.objectType}s`,
      {
        database,
        schema: schema.name,
        owner: mustExist(step.owner),
        role: role?.name ?? step.role,
        objectType: step.objectType,
        privileges: [...step.privileges],
      },
      this.childOptions,
    );
  }
}

/** A part of the URL that is not secret (host, user, database…), so previews and names stay readable. */
function plainPart<K extends Exclude<keyof DatabaseUrlParts, "password">>(
  server: pulumi.Output<DatabaseUrlParts>,
  key: K,
): pulumi.Output<DatabaseUrlParts[K]> {
  return pulumi.unsecret(server.apply((s) => s[key]));
}

/** The URL the app connects with: its own role and password on the owner's server and database. */
function appConnectionUrl(
  server: pulumi.Output<DatabaseUrlParts>,
  role: postgresql.Role,
  password: random.RandomPassword,
  external: boolean,
): pulumi.Output<string> {
  return pulumi.secret(
    pulumi.all([server, role.name, password.result]).apply(([s, user, pass]) => buildDatabaseUrl(s, user, pass, external ? s.sslmode : undefined)),
  );
}

function mustExist<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("AppSchema: privilege plan out of order (internal error)");
  return value;
}
