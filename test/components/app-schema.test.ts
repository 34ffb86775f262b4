import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { AppSchema, type AppSchemaArgs } from "../../components/postgres/app-schema";
import { resolve, startMocks, type Recording } from "./mock-runtime";

const OWNER_URL = "postgres://owner_u:owner-pass@db.example.com:5432/d8abc";
const GENERATED_PASSWORD = "GeneratedPassw0rdGeneratedPassw0";

const T = {
  component: "fleet:postgres:AppSchema",
  provider: "pulumi:providers:postgresql",
  schema: "postgresql:index/schema:Schema",
  grant: "postgresql:index/grant:Grant",
  defaults: "postgresql:index/defaultPrivileges:DefaultPrivileges",
  role: "postgresql:index/role:Role",
  password: "random:index/randomPassword:RandomPassword",
};

async function build(args: Partial<AppSchemaArgs> & Pick<AppSchemaArgs, "access">): Promise<{ rec: Recording; schema: AppSchema }> {
  const rec = await startMocks({
    outputs: (type) => (type === T.password ? { result: GENERATED_PASSWORD } : {}),
  });
  const schema = new AppSchema("euterpe-db", { databaseUrl: pulumi.secret(OWNER_URL), schema: "euterpe", ...args });
  await resolve(schema.schemaName);
  await rec.settle();
  return { rec, schema };
}

describe("AppSchema (mock runtime)", () => {
  it("default-credential: a provider and the schema, nothing else", async () => {
    const { rec, schema } = await build({ access: "default-credential" });
    // Registration order follows input resolution, so compare as sets.
    expect(rec.resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual(
      [`${T.component} euterpe-db`, `${T.provider} euterpe-db-provider`, `${T.schema} euterpe-db-schema`].sort(),
    );
    expect(rec.named("euterpe-db-schema").inputs).toMatchObject({ name: "euterpe", database: "d8abc", ifNotExists: true, dropCascade: false });
    expect(rec.named("euterpe-db-schema").inputs).not.toHaveProperty("owner");
    expect(schema.roleName).toBeUndefined();
    expect(schema.connectionUrl).toBeUndefined();
    expect((await resolve(schema.schemaName)).value).toBe("euterpe");
  });

  it("the provider connects as the owner, over TLS, without assuming a superuser; only the password is secret", async () => {
    const { rec } = await build({ access: "default-credential" });
    const provider = rec.named("euterpe-db-provider");
    // Provider inputs reach the engine JSON-encoded when not strings.
    expect(provider.inputs).toMatchObject({
      host: "db.example.com",
      port: "5432",
      username: "owner_u",
      password: "owner-pass",
      database: "d8abc",
      sslmode: "require",
      superuser: "false",
    });
    expect(provider.secretInputs).toEqual(["password"]);
  });

  it("children hang under the component and use its provider", async () => {
    const { rec } = await build({ access: "external-role" });
    const component = rec.named("euterpe-db");
    const provider = rec.named("euterpe-db-provider");
    for (const child of rec.resources.filter((r) => r !== component)) {
      expect(child.parent, child.name).toBe(component.urn);
      if (child.type.startsWith("postgresql:")) expect(child.provider, child.name).toMatch(new RegExp(`^${escape(provider.urn)}::`));
    }
    expect(component.inputs).toEqual({});
  });

  it("heroku-credential: USAGE+CREATE on the schema and default privileges from the owner, for the credential's user", async () => {
    const { rec, schema } = await build({ access: "heroku-credential", role: "u7credential" });
    expect(rec.resources.map((r) => `${r.type} ${r.name}`).sort()).toEqual(
      [
        `${T.component} euterpe-db`,
        `${T.provider} euterpe-db-provider`,
        `${T.schema} euterpe-db-schema`,
        `${T.grant} euterpe-db-schema-grant`,
        `${T.defaults} euterpe-db-default-tables`,
        `${T.defaults} euterpe-db-default-sequences`,
      ].sort(),
    );
    expect(rec.named("euterpe-db-schema-grant").inputs).toEqual({
      database: "d8abc",
      schema: "euterpe",
      role: "u7credential",
      objectType: "schema",
      privileges: ["USAGE", "CREATE"],
    });
    expect(rec.named("euterpe-db-default-tables").inputs).toEqual({
      database: "d8abc",
      schema: "euterpe",
      owner: "owner_u",
      role: "u7credential",
      objectType: "table",
      privileges: ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"],
    });
    expect(rec.named("euterpe-db-default-sequences").inputs).toMatchObject({ objectType: "sequence", privileges: ["USAGE", "SELECT", "UPDATE"] });
    // The grants wait for the schema.
    expect(rec.named("euterpe-db-schema-grant").dependencies).toContain(rec.named("euterpe-db-schema").urn);
    expect((await resolve(schema.roleName!)).value).toBe("u7credential");
    expect(schema.connectionUrl).toBeUndefined();
  });

  it("external-role: a generated password, a LOGIN role in its schema, and a secret URL for the app", async () => {
    const { rec, schema } = await build({ access: "external-role" });
    expect(rec.named("euterpe-db-password").inputs).toEqual({ length: 32, special: false });
    const role = rec.named("euterpe-db-role");
    expect(role.type).toBe(T.role);
    expect(role.inputs).toEqual({ name: "euterpe_app", login: true, password: GENERATED_PASSWORD, searchPaths: ["euterpe"] });
    expect(role.secretInputs).toEqual(["password"]);
    expect(rec.named("euterpe-db-schema-grant").inputs).toMatchObject({ role: "euterpe_app", privileges: ["USAGE", "CREATE"] });
    expect(rec.named("euterpe-db-schema-grant").dependencies).toContain(role.urn);

    const url = await resolve(schema.connectionUrl!);
    expect(url.secret).toBe(true);
    expect(url.value).toBe(`postgres://euterpe_app:${GENERATED_PASSWORD}@db.example.com:5432/d8abc?sslmode=require`);
    expect((await resolve(schema.roleName!)).value).toBe("euterpe_app");
  });

  it("nothing is granted on public or any other schema", async () => {
    for (const access of ["default-credential", "heroku-credential", "external-role"] as const) {
      const { rec } = await build({ access, ...(access === "heroku-credential" ? { role: "u1" } : {}) });
      for (const r of rec.resources.filter((x) => x.type === T.grant || x.type === T.defaults || x.type === T.schema)) {
        expect(r.inputs["schema"] ?? r.inputs["name"], `${access} ${r.name}`).toBe("euterpe");
      }
    }
  });

  it("protect: the schema and role are protected and retained on delete; grants are not", async () => {
    const { rec } = await build({ access: "external-role", protect: true });
    const flags = Object.fromEntries(rec.resources.map((r) => [r.name, [r.protect, r.retainOnDelete]]));
    expect(flags).toEqual({
      "euterpe-db": [false, false],
      "euterpe-db-provider": [false, false],
      "euterpe-db-schema": [true, true],
      "euterpe-db-password": [false, false],
      "euterpe-db-role": [true, true],
      "euterpe-db-schema-grant": [false, false],
      "euterpe-db-default-tables": [false, false],
      "euterpe-db-default-sequences": [false, false],
    });
  });

  it("unprotected by default, but the schema, which holds the data, is never dropped", async () => {
    const { rec } = await build({ access: "external-role" });
    expect(rec.resources.filter((r) => r.protect)).toEqual([]);
    expect(rec.resources.filter((r) => r.retainOnDelete).map((r) => r.type)).toEqual(["postgresql:index/schema:Schema"]);
  });

  it("rejects bad args before registering anything, listing every problem with its fix", async () => {
    const rec = await startMocks();
    expect(() => new AppSchema("x", { databaseUrl: OWNER_URL, schema: "public", access: "heroku-credential" })).toThrow(
      /AppSchema 'x' \(schema 'public'\) is misconfigured:\n {2}1\. schema 'public' is shared.*\n {5}fix: .*\n {2}2\. heroku-credential access needs/s,
    );
    expect(() => new AppSchema("y", { databaseUrl: OWNER_URL, schema: "zoomer", access: "external-role", role: "me" })).toThrow(/fix: remove `role`/);
    await rec.settle();
    expect(rec.resources.filter((r) => r.custom)).toEqual([]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
