import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildDatabaseUrl, parseDatabaseUrl } from "../../components/postgres/database-url";
import {
  externalRoleName,
  quoteIdent,
  renderSql,
  schemaNameProblem,
  schemaPrivilegePlan,
  type DatabaseAccess,
  type PrivilegeStep,
} from "../../components/postgres/privileges";

describe("schemaPrivilegePlan", () => {
  it("default-credential: only the app's schema, no role, no grants", () => {
    const plan = schemaPrivilegePlan<string>("default-credential", "euterpe", undefined);
    expect(plan.role).toBeUndefined();
    expect(plan.steps).toEqual([{ kind: "create-schema", schema: "euterpe" }]);
    expect(renderSql(plan)).toEqual(['CREATE SCHEMA IF NOT EXISTS "euterpe";']);
    expect(plan.confinement).toContain("search_path");
  });

  it("default-credential ignores a role: one credential owns the database", () => {
    const plan = schemaPrivilegePlan("default-credential", "euterpe", "u123");
    expect(plan.role).toBeUndefined();
    expect(plan.steps.map((s) => s.kind)).toEqual(["create-schema"]);
  });

  it("heroku-credential: USAGE+CREATE on its schema and default privileges from the owner", () => {
    const plan = schemaPrivilegePlan("heroku-credential", "euterpe", "u9abc", { owner: "owner1" });
    expect(plan.role).toBe("u9abc");
    expect(renderSql(plan)).toEqual([
      'CREATE SCHEMA IF NOT EXISTS "euterpe";',
      'GRANT USAGE, CREATE ON SCHEMA "euterpe" TO "u9abc";',
      'ALTER DEFAULT PRIVILEGES FOR ROLE "owner1" IN SCHEMA "euterpe" GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLES TO "u9abc";',
      'ALTER DEFAULT PRIVILEGES FOR ROLE "owner1" IN SCHEMA "euterpe" GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO "u9abc";',
    ]);
  });

  it("heroku-credential without an owner applies default privileges to whoever runs it", () => {
    const sql = renderSql(schemaPrivilegePlan("heroku-credential", "shop", "u1"));
    expect(sql[2]).toMatch(/^ALTER DEFAULT PRIVILEGES IN SCHEMA "shop" GRANT/);
  });

  it("heroku-credential needs the credential's user", () => {
    expect(() => schemaPrivilegePlan("heroku-credential", "shop", undefined)).toThrow(/needs the role/);
  });

  it("external-role: a LOGIN role whose search_path is its schema, USAGE+CREATE there only", () => {
    const role = externalRoleName("zoomer_bot");
    expect(role).toBe("zoomer_bot_app");
    const plan = schemaPrivilegePlan("external-role", "zoomer_bot", role, { owner: "postgres" });
    expect(plan.steps.map((s) => s.kind)).toEqual(["create-schema", "create-role", "grant-schema", "default-privileges", "default-privileges"]);
    const sql = renderSql(plan, { password: "it's-secret" });
    expect(sql.slice(0, 3)).toEqual([
      'CREATE SCHEMA IF NOT EXISTS "zoomer_bot";',
      `CREATE ROLE "zoomer_bot_app" LOGIN PASSWORD 'it''s-secret';`,
      'ALTER ROLE "zoomer_bot_app" SET search_path TO "zoomer_bot";',
    ]);
    expect(sql[3]).toBe('GRANT USAGE, CREATE ON SCHEMA "zoomer_bot" TO "zoomer_bot_app";');
    expect(renderSql(plan)[1]).toBe('CREATE ROLE "zoomer_bot_app" LOGIN;');
  });

  it("external role names fit Postgres' 63-byte identifiers", () => {
    const schema = "s".repeat(63);
    expect(externalRoleName(schema)).toHaveLength(63);
    expect(externalRoleName(schema).endsWith("_app")).toBe(true);
  });

  it("refuses public, reserved and unquotable schema names, with the fix", () => {
    for (const bad of ["public", "pg_catalog", "information_schema", "Euterpe", "bad-name", "", "1abc"]) {
      expect(schemaNameProblem(bad), bad).toBeDefined();
      expect(() => schemaPrivilegePlan("default-credential", bad, undefined), bad).toThrow(/snake_case/);
    }
    expect(schemaNameProblem("bookshelf_hermes")).toBeUndefined();
  });

  it("quotes identifiers", () => {
    expect(quoteIdent('we"ird')).toBe('"we""ird"');
  });

  it("property: no plan ever names public or a schema other than the app's own", () => {
    const identifier = fc.stringMatching(/^[a-z_][a-z0-9_]{0,20}$/).filter((s) => schemaNameProblem(s) === undefined);
    fc.assert(
      fc.property(
        fc.constantFrom<DatabaseAccess[]>("default-credential", "heroku-credential", "external-role"),
        identifier,
        identifier,
        identifier,
        (access, schema, role, owner) => {
          const plan = schemaPrivilegePlan(access, schema, access === "external-role" ? externalRoleName(schema) : role, { owner });
          for (const step of plan.steps as PrivilegeStep[]) {
            if ("schema" in step) expect(step.schema).toBe(schema);
            if (step.kind === "create-role") expect(step.searchPath).toEqual([schema]);
          }
          for (const statement of renderSql(plan)) {
            expect(statement).not.toMatch(/"public"|\bpublic\b/i);
            expect(statement).not.toMatch(/\bALL\b|SUPERUSER|CREATEROLE|CREATEDB|DATABASE|REVOKE|DROP/);
          }
        },
      ),
    );
  });
});

describe("database URLs", () => {
  it("parses an owner URL", () => {
    expect(parseDatabaseUrl("postgres://owner:p%40ss@db.example.com:6543/d1")).toEqual({
      host: "db.example.com",
      port: 6543,
      username: "owner",
      password: "p@ss",
      database: "d1",
      sslmode: "require",
    });
  });

  it("defaults the port, honours stronger sslmodes and ignores weaker ones", () => {
    expect(parseDatabaseUrl("postgresql://u:p@h/d").port).toBe(5432);
    expect(parseDatabaseUrl("postgres://u:p@h/d?sslmode=verify-full").sslmode).toBe("verify-full");
    expect(parseDatabaseUrl("postgres://u:p@h/d?sslmode=disable").sslmode).toBe("require");
    expect(parseDatabaseUrl("postgres://u:p@[::1]:5432/d").host).toBe("::1");
  });

  it("says what is missing and never repeats the URL (it holds a password)", () => {
    const attempts = ["mysql://u:hunter2@h/d", "postgres://u:hunter2@h", "not a url hunter2", ""];
    for (const text of attempts) {
      let message = "";
      try {
        parseDatabaseUrl(text, "fleet:databaseUrls.shared");
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, text).toMatch(/^fleet:databaseUrls.shared (is not a URL|lacks)/);
      expect(message).not.toContain("hunter2");
    }
  });

  it("builds the app's URL on the same server", () => {
    const base = parseDatabaseUrl("postgres://admin:x@db.example.com:5432/postgres");
    expect(buildDatabaseUrl(base, "zoomer_bot_app", "abc/def", "require")).toBe(
      "postgres://zoomer_bot_app:abc%2Fdef@db.example.com:5432/postgres?sslmode=require",
    );
    expect(buildDatabaseUrl({ host: "::1", port: 5432, database: "d" }, "u", "p")).toBe("postgres://u:p@[::1]:5432/d");
  });
});
