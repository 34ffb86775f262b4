/**
 * The providers as the engine runs them: serialized with
 * `pulumi.runtime.serializeFunction` after loading through tsx (as the
 * program is loaded), executed by the SDK's own dynamic-provider host in a
 * separate plain-node process, driven over gRPC. Catches what direct calls
 * cannot: serialization traps, `undefined` in outputs, error shapes the host
 * turns into "created but failed", secrets in state.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadStub, secret, startEngineHarness, UNKNOWN, type EngineHarness, type SerializedProvider } from "../engine/index";
import type { HerokuDouble } from "../heroku-double/index";
import { FAST_ENV, startDouble } from "./scenario";

const KINDS = [
  "app",
  "addon",
  "attachment",
  "configVars",
  "build",
  "formation",
  "domain",
  "drain",
  "pipeline",
  "pipelineCoupling",
  "schedulerJob",
  "postgresCredential",
  "redisConfig",
  "pgBackupSchedule",
] as const;

let heroku: HerokuDouble;
let engine: EngineHarness;
const serialized: Partial<Record<(typeof KINDS)[number], SerializedProvider>> = {};
const savedEnv = { ...process.env };

function provider(kind: (typeof KINDS)[number]): SerializedProvider {
  const found = serialized[kind];
  if (!found) throw new Error(`${kind} was not serialized`);
  return found;
}

beforeAll(async () => {
  heroku = await startDouble({ timing: { addonProvision: { requests: 100_000 } } });
  for (const kind of KINDS) serialized[kind] = await loadStub(kind);
  // Add-on waits end after ~4 s here (the "created but not ready" case): long enough for a loaded
  // machine to read the add-on at least once, so the error can say what state it was in.
  engine = await startEngineHarness({ env: { ...heroku.env, ...FAST_ENV, FLEET_HEROKU_LOG: "info", FLEET_HEROKU_POLL_MS: "5", FLEET_HEROKU_WAIT_SCALE: "0.002" } });
}, 60_000);
afterAll(async () => {
  await engine?.close();
  await heroku?.close();
  process.env = savedEnv;
});

describe("serialization", () => {
  it("every provider serializes to a self-contained module of modest size, without vitest or TypeScript traces", () => {
    for (const kind of KINDS) {
      const text = provider(kind).text;
      expect(text, kind).not.toMatch(/__vite_ssr_|require\("\.{1,2}\/|\.ts"\)/);
      expect(text.length, kind).toBeLessThan(150_000);
    }
  });

  it.each(KINDS)("the host loads %s and runs its check", async (kind) => {
    const result = await engine.check(provider(kind), {}, {});
    expect(Array.isArray(result.failures)).toBe(true);
  });
});

describe("App through the host", () => {
  it("creates, refreshes unchanged, sees drift, updates it back, destroys", async () => {
    const app = engine.resource(provider("app"), "engine-app", { type: "pulumi-nodejs:dynamic/heroku:App" });
    const inputs = { name: "engine-app", region: "us", maintenance: false, features: { "runtime-dyno-metadata": true } };
    expect((await app.up(inputs)).op).toBe("create");
    expect(heroku.state.app("engine-app")?.features.get("runtime-dyno-metadata")).toBe(true);
    expect(await app.refresh()).toEqual({ op: "same", changed: [] });
    expect((await app.up(inputs)).op).toBe("same");

    heroku.handEdit.app("engine-app", { maintenance: true });
    expect(await app.refresh()).toEqual({ op: "update", changed: ["maintenance"] });
    expect((await app.up(inputs)).op).toBe("update");
    expect(heroku.state.app("engine-app")?.maintenance).toBe(false);

    expect(await app.up({ ...inputs, region: "eu" })).toMatchObject({ op: "replace", replaces: ["region"], calls: ["Check", "Diff", "Delete", "Create"] });
    expect(heroku.state.app("engine-app")?.region).toBe("eu");

    await app.destroy();
    expect(heroku.state.app("engine-app")).toBeUndefined();
  });

  it("reports a refused create as a plain failure, not as a half-created object", async () => {
    heroku.seed.app({ name: "engine-taken", region: "eu" });
    const app = engine.resource(provider("app"), "engine-taken");
    const error = await app.up({ name: "engine-taken" }).then(
      () => undefined,
      (e: unknown) => e as { message: string; initFailure?: unknown },
    );
    expect(error?.message).toMatch(/Name is already taken/);
    expect(error?.initFailure).toBeUndefined();
  });
});

describe("preview with inputs not known yet", () => {
  it("checks and diffs without failing, replacing only for properties that force it", async () => {
    const appId = heroku.seed.app({ name: "engine-preview" }).id;
    heroku.seed.deploy({ app: "engine-preview", processTypes: { web: "node index.js" } });
    const formation = engine.resource(provider("formation"), "engine-preview-formation");
    await formation.up({ app: appId, processes: { web: { quantity: 1, size: "basic" } } });
    expect(await formation.preview({ app: appId, processes: { web: { quantity: UNKNOWN, size: "basic" } } })).toMatchObject({ op: "update", replaces: [] });
    expect(await formation.preview({ app: UNKNOWN, processes: { web: { quantity: 1, size: "basic" } } })).toMatchObject({ op: "replace", replaces: ["app"] });

    const vars = engine.resource(provider("configVars"), "engine-preview-vars");
    await vars.up({ app: appId, vars: { A: "1" } });
    expect(await vars.preview({ app: appId, vars: UNKNOWN })).toMatchObject({ op: "update", replaces: [] });
  });
});

describe("secrets in state", () => {
  it("keeps config-var values out of the plaintext state", async () => {
    const appId = heroku.seed.app({ name: "engine-vars" }).id;
    const vars = engine.resource(provider("configVars"), "engine-vars", { additionalSecretOutputs: ["vars"] });
    await vars.up({ app: appId, vars: secret({ SESSION_SECRET: "engine-secret-value-1" }) });
    expect(heroku.state.userConfigVars("engine-vars")).toEqual({ SESSION_SECRET: "engine-secret-value-1" });
    expect(vars.plaintextState()).not.toContain("engine-secret-value-1");
    expect(engine.stdout + engine.stderr).not.toContain("engine-secret-value-1");
  });
});

describe("created but not ready", () => {
  it("an add-on that does not finish provisioning in time is recorded with its id, and the next up waits again", async () => {
    const appId = heroku.seed.app({ name: "engine-slow-addon" }).id;
    const addon = engine.resource(provider("addon"), "engine-slow-db");
    const error = await addon.up({ app: appId, plan: "heroku-postgresql:essential-0", name: "engine-slow-db" }).then(
      () => undefined,
      (e: unknown) => e as { message: string; initFailure?: { id: string } },
    );
    const created = heroku.state.addon("engine-slow-db");
    expect(error?.message).toMatch(/Timed out after .* waiting for add-on engine-slow-db .*: still provisioning\. It stays recorded/);
    expect(error?.initFailure?.id).toBe(created?.id);
    expect(heroku.state.addonsOf("engine-slow-addon")).toHaveLength(1);

    // The engine keeps the object; the next `up` updates it (waits), it does not create another.
    heroku.settle();
    const init = error?.initFailure as { id: string; properties: Record<string, never> };
    addon.setState({ id: init.id, inputs: { app: appId, plan: "heroku-postgresql:essential-0", name: "engine-slow-db" }, outputs: init.properties, secretKeys: new Set() });
    expect((await addon.up({ app: appId, plan: "heroku-postgresql:essential-1", name: "engine-slow-db" })).op).toBe("update");
    expect(heroku.state.addonsOf("engine-slow-addon")).toHaveLength(1);
    expect(addon.outputs["state"]).toBe("provisioned");
  });
});
