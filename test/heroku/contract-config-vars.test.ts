/**
 * ConfigVars provider against the double: only owned keys, one PATCH per
 * change and none for no change, add-on keys never written, hand-made keys
 * reported as drift and left alone.
 */
import { describe, expect, it } from "vitest";
import { providers } from "../../components/heroku/providers/index";
import type { HerokuDouble } from "../heroku-double/index";
import { checkFailures, createResource, diffResource, readResource, structProblems, updateResource } from "./scenario";
import { useHerokuDouble } from "./use-heroku-double";

let heroku: HerokuDouble;
let appId = "";
useHerokuDouble((h) => {
  heroku = h;
  appId = h.seed.app({ name: "vars-app", configVars: { PRE_EXISTING: "set-before-fleet" } }).id;
  h.seed.addon({ app: "vars-app", plan: "heroku-postgresql:essential-0", attachmentName: "DATABASE" });
  h.seed.addon({ app: "vars-app", plan: "heroku-redis:mini" });
});

const patches = () => heroku.requests.filter((r) => r.method === "PATCH" && r.path.endsWith("/config-vars"));

describe("ConfigVars", () => {
  it("check rejects invalid and reserved keys and keys an add-on owns, naming each", async () => {
    const failures = await checkFailures("configVars", {
      app: appId,
      vars: { "BAD-KEY": "x", HEROKU_THING: "x", DATABASE_URL: "postgres://mine", REDIS_URL: "redis://mine", OK_KEY: "fine" },
    });
    expect(failures.map((f) => f.property).sort()).toEqual(["vars.BAD-KEY", "vars.DATABASE_URL", "vars.HEROKU_THING", "vars.REDIS_URL"]);
    expect(failures.find((f) => f.property === "vars.DATABASE_URL")?.reason).toMatch(
      /DATABASE_URL is set by the attachment DATABASE of add-on .* fleet never writes add-on config vars/,
    );
  });

  it("lets an app without a database set DATABASE_URL itself (external Postgres)", async () => {
    heroku.seed.app({ name: "external-db-app" });
    expect(await checkFailures("configVars", { app: "external-db-app", vars: { DATABASE_URL: "postgres://external" } })).toEqual([]);
  });

  it("skips the add-on lookup while the app is unknown (preview)", async () => {
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect(await checkFailures("configVars", { app: unknown, vars: { A: "1" } })).toEqual([]);
    expect(heroku.requests).toHaveLength(0);
  });

  it("creates with one PATCH, reads the same, sends nothing when nothing changed", async () => {
    const vars = await createResource("configVars", { app: appId, vars: { NODE_ENV: "production", SECRET_ONE: "one-secret-value" } });
    expect(patches()).toHaveLength(1);
    expect(patches()[0]?.body).toEqual({ NODE_ENV: "production", SECRET_ONE: "one-secret-value" });
    expect(structProblems(vars.outputs)).toEqual([]);
    expect(vars.outputs).toEqual({
      app: appId,
      appId,
      vars: { NODE_ENV: "production", SECRET_ONE: "one-secret-value" },
      keys: ["NODE_ENV", "SECRET_ONE"],
      unmanagedKeys: ["PRE_EXISTING"],
    });
    expect(await readResource(vars)).toEqual({ id: vars.id, props: vars.outputs });

    heroku.clearRequests();
    const diff = await diffResource(vars, { app: appId, vars: { NODE_ENV: "production", SECRET_ONE: "one-secret-value" } });
    // The pre-existing key nobody declared keeps the diff open (drift), but an update writes nothing.
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    await updateResource(vars, { app: appId, vars: { NODE_ENV: "production", SECRET_ONE: "one-secret-value" } });
    expect(patches()).toHaveLength(0);
    expect(heroku.state.userConfigVars("vars-app")["PRE_EXISTING"]).toBe("set-before-fleet");
    await providers.configVars.delete?.(vars.id, vars.outputs);
  });

  it("changes and removes owned keys in one PATCH, never touching others", async () => {
    const vars = await createResource("configVars", { app: appId, vars: { KEEP: "k", CHANGE: "old-value", DROP: "d" } });
    heroku.clearRequests();
    await updateResource(vars, { app: appId, vars: { KEEP: "k", CHANGE: "new-value", ADD: "a" } });
    expect(patches()).toHaveLength(1);
    expect(patches()[0]?.body).toEqual({ CHANGE: "new-value", ADD: "a", DROP: null });
    const live = heroku.state.userConfigVars("vars-app");
    expect(live).toMatchObject({ KEEP: "k", CHANGE: "new-value", ADD: "a", PRE_EXISTING: "set-before-fleet" });
    expect(live).not.toHaveProperty("DROP");
    expect(vars.outputs["keys"]).toEqual(["ADD", "CHANGE", "KEEP"]);
    expect(await readResource(vars)).toEqual({ id: vars.id, props: vars.outputs });
    await providers.configVars.delete?.(vars.id, vars.outputs);
    expect(Object.keys(heroku.state.userConfigVars("vars-app"))).toEqual(["PRE_EXISTING"]);
  });

  it("reports a key set by hand and a hand-edited value on refresh; puts back only the value", async () => {
    const vars = await createResource("configVars", { app: appId, vars: { FEATURE_X: "on", OWNED: "declared" } });
    heroku.handEdit.configVars("vars-app", { HAND_SET: "by-a-person", OWNED: "edited-by-hand" });
    const read = await readResource(vars);
    expect(read.props["unmanagedKeys"]).toEqual(["HAND_SET", "PRE_EXISTING"]);
    expect(read.props["vars"]).toEqual({ FEATURE_X: "on", OWNED: "edited-by-hand" });
    // Add-on vars are neither fleet's nor drift.
    expect(read.props["unmanagedKeys"]).not.toContain("DATABASE_URL");
    expect(read.props["unmanagedKeys"]).not.toContain("REDIS_URL");
    vars.outputs = read.props;
    expect(await diffResource(vars, { app: appId, vars: { FEATURE_X: "on", OWNED: "declared" } })).toMatchObject({ changes: true, replaces: [] });
    heroku.clearRequests();
    await updateResource(vars, { app: appId, vars: { FEATURE_X: "on", OWNED: "declared" } });
    expect(patches().map((p) => p.body)).toEqual([{ OWNED: "declared" }]);
    expect(heroku.state.userConfigVars("vars-app")["HAND_SET"]).toBe("by-a-person");
    heroku.handEdit.configVars("vars-app", { HAND_SET: null });
    await providers.configVars.delete?.(vars.id, vars.outputs);
  });

  it("refuses to write an add-on key in create even when check could not see the add-on yet", async () => {
    await expect(providers.configVars.create({ app: appId, vars: { DATABASE_URL: "postgres://overwrite" } })).rejects.toThrow(
      /DATABASE_URL is set by the attachment DATABASE/,
    );
    expect(patches()).toHaveLength(0);
  });

  it("replaces for another app", async () => {
    const vars = await createResource("configVars", { app: appId, vars: { A: "1" } });
    expect(await diffResource(vars, { app: "some-other-app", vars: { A: "1" } })).toMatchObject({ replaces: ["app"] });
    await providers.configVars.delete?.(vars.id, vars.outputs);
  });

  it("reads gone when the app is gone; delete is then a no-op", async () => {
    const id = heroku.seed.app({ name: "short-lived" }).id;
    const vars = await createResource("configVars", { app: id, vars: { A: "1" } });
    heroku.handEdit.deleteApp("short-lived");
    expect((await readResource(vars)).id).toBe("");
    await expect(providers.configVars.delete?.(vars.id, vars.outputs)).resolves.toBeUndefined();
  });
});
