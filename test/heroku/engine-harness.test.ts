/**
 * The engine harness itself, proven with a small fixture provider that owns
 * one config var on the Heroku double: the provider is serialized as the
 * program serializes it, runs in the SDK's own host, and sees what the
 * engine would send.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CheckFailedError,
  EngineCallError,
  loadProvider,
  secret,
  startEngineHarness,
  type EngineHarness,
  type SerializedProvider,
} from "../engine";
import { startHerokuDouble, type HerokuDouble } from "../heroku-double";

const SECRET_VALUE = "sk_live_do-not-print-me-4f1c";

let heroku: HerokuDouble;
let engine: EngineHarness;
let provider: SerializedProvider;

beforeAll(async () => {
  heroku = await startHerokuDouble({ seed: 11 });
  heroku.seed.app({ name: "harness-app" });
  heroku.seed.app({ name: "harness-other" });
  provider = await loadProvider("test/engine/fixtures/config-var-provider.ts", "configVarProvider");
  engine = await startEngineHarness({ env: heroku.env, config: { "fleet:fixtureNote": secret("configured") } });
});

afterAll(async () => {
  expect(heroku?.violations).toEqual([]);
  expect(heroku?.internalErrors).toEqual([]);
  await engine?.close();
  await heroku?.close();
});

describe("serialization", () => {
  it("serializes the provider as the program does: local modules copied, packages required by name", () => {
    expect(provider.text).toContain("exports.handler");
    expect(provider.text).not.toContain("__vite_ssr_");
    expect(provider.text).toMatch(/require\("zod"\)/);
    expect(provider.text).toContain("HEROKU_API_URL");
  });

  it("refuses a module that does not export a provider", async () => {
    await expect(loadProvider("test/engine/fixtures/fixture-client.ts", "herokuRequest")).rejects.toThrow(/does not export a dynamic provider/);
  });
});

describe("host protocol", () => {
  it("answers GetPluginInfo and Configure like the SDK host (no secrets, no preview)", async () => {
    expect((await engine.getPluginInfo()).version).toMatch(/^\d+\.\d+\.\d+/);
    expect(await engine.configure({ "fleet:fixtureNote": secret("configured") })).toEqual({ acceptSecrets: false, supportsPreview: false });
  });

  it("returns Check failures instead of throwing, and checked inputs without __provider", async () => {
    const bad = await engine.check(provider, {}, { app: "harness-app", key: "lower", value: "x" });
    expect(bad.failures).toEqual([{ property: "key", reason: "must be an upper-case config var name" }]);
    const good = await engine.check(provider, {}, { app: "harness-app", key: "GOOD", value: secret("v") });
    expect(good.failures).toEqual([]);
    expect(good.inputs).toEqual({ app: "harness-app", key: "GOOD", value: "v" });
  });

  it("runs create, read, diff, update and delete against the double, with configure()'s state on `this`", async () => {
    const inputs = { app: "harness-app", key: "PLAIN", value: "one" };
    const created = await engine.create(provider, inputs);
    expect(created).toEqual({ id: "harness-app:PLAIN", outputs: { ...inputs, note: "configured" } });
    expect(heroku.state.configVars("harness-app")["PLAIN"]).toBe("one");

    heroku.handEdit.configVars("harness-app", { PLAIN: "edited by hand" });
    const read = await engine.read(provider, created.id, created.outputs, inputs);
    expect(read.outputs["value"]).toBe("edited by hand");
    const diff = await engine.diff(provider, created.id, read.outputs, inputs, inputs);
    expect(diff).toEqual({ changes: "some", replaces: [], deleteBeforeReplace: false });
    expect((await engine.diff(provider, created.id, read.outputs, { ...inputs, key: "OTHER" }, inputs)).replaces).toEqual(["key"]);

    await engine.update(provider, created.id, read.outputs, inputs, inputs);
    expect(heroku.state.configVars("harness-app")["PLAIN"]).toBe("one");
    await engine.delete(provider, created.id, created.outputs, inputs);
    expect(heroku.state.configVars("harness-app")).not.toHaveProperty("PLAIN");
    expect((await engine.read(provider, created.id, created.outputs, inputs)).id).toBe("");
  });

  it("surfaces provider errors with their message, and init failures with the created id", async () => {
    const missing = engine.create(provider, { app: "no-such-app", key: "X", value: "1" });
    await expect(missing).rejects.toBeInstanceOf(EngineCallError);
    await expect(missing).rejects.toThrow(/PATCH \/apps\/no-such-app\/config-vars → 404 \(Couldn't find that app\./);

    const failed = await engine.create(provider, { app: "harness-app", key: "HALF", value: "1", failAfterCreate: true }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(EngineCallError);
    expect((failed as EngineCallError).initFailure).toMatchObject({ id: "harness-app:HALF", reasons: ["not ready"], properties: { key: "HALF" } });
  });

  it("fails like the engine when outputs contain undefined", async () => {
    await expect(engine.create(provider, { app: "harness-app", key: "UNDEF", value: "1", emitUndefined: true })).rejects.toThrow(/Unexpected struct type/);
  });
});

describe("engine lifecycle", () => {
  it("creates, skips unchanged, updates in place, replaces create-before-delete, and destroys", async () => {
    const res = engine.resource(provider, "life", { type: "pulumi-nodejs:dynamic/heroku:ConfigVar" });
    expect(await res.up({ app: "harness-app", key: "LIFE", value: "1" })).toMatchObject({ op: "create", calls: ["Check", "Create"] });
    heroku.clearRequests();
    expect(await res.up({ app: "harness-app", key: "LIFE", value: "1" })).toMatchObject({ op: "same", calls: ["Check", "Diff"] });
    expect(heroku.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect((await res.up({ app: "harness-app", key: "LIFE", value: "2" })).op).toBe("update");
    expect(heroku.state.configVars("harness-app")["LIFE"]).toBe("2");

    const replaced = await res.up({ app: "harness-other", key: "LIFE", value: "2" });
    expect(replaced).toMatchObject({ op: "replace", replaces: ["app"], calls: ["Check", "Diff", "Create", "Delete"] });
    expect(heroku.state.configVars("harness-app")).not.toHaveProperty("LIFE");
    expect(heroku.state.configVars("harness-other")["LIFE"]).toBe("2");
    expect(res.id).toBe("harness-other:LIFE");

    await res.destroy();
    expect(res.state).toBeUndefined();
    expect(heroku.state.configVars("harness-other")).not.toHaveProperty("LIFE");
  });

  it("shows drift on refresh and plans the fix on preview, then sees a hand deletion as gone", async () => {
    const res = engine.resource(provider, "drift");
    await res.up({ app: "harness-app", key: "DRIFT", value: "desired" });
    expect(await res.refresh()).toEqual({ op: "same", changed: [] });
    heroku.handEdit.configVars("harness-app", { DRIFT: "changed by hand" });
    expect(await res.refresh()).toEqual({ op: "update", changed: ["value"] });
    expect((await res.preview({ app: "harness-app", key: "DRIFT", value: "desired" })).op).toBe("update");
    await res.up({ app: "harness-app", key: "DRIFT", value: "desired" });
    expect((await res.preview({ app: "harness-app", key: "DRIFT", value: "desired" })).op).toBe("same");

    heroku.handEdit.configVars("harness-app", { DRIFT: null });
    expect((await res.refresh()).op).toBe("delete");
    expect(res.state).toBeUndefined();
  });

  it("raises Check failures before touching anything", async () => {
    const res = engine.resource(provider, "invalid");
    await expect(res.up({ app: "x", key: "bad key", value: "1" })).rejects.toBeInstanceOf(CheckFailedError);
    expect(res.state).toBeUndefined();
  });

  it("keeps a secret input out of the host's output and out of plaintext state", async () => {
    const res = engine.resource(provider, "secret");
    await res.up({ app: "harness-app", key: "API_TOKEN", value: secret(SECRET_VALUE) });
    expect(heroku.state.configVars("harness-app")["API_TOKEN"]).toBe(SECRET_VALUE);
    expect(res.state?.secretKeys.has("value")).toBe(true);
    expect(res.plaintextState()).not.toContain(SECRET_VALUE);
    await res.up({ app: "harness-app", key: "API_TOKEN", value: secret(`${SECRET_VALUE}-2`) });
    await res.destroy();
    expect(engine.stdout + engine.stderr).not.toContain(SECRET_VALUE);
    expect(engine.host.running).toBe(true);
  });
});
