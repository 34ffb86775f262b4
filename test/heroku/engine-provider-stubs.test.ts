/**
 * What Heroku resources store in state as their provider: a few lines that
 * name its kind and load fleet's provider code in the dynamic-provider host.
 * Proven through the SDK's own host over gRPC, as the engine runs it:
 * - the stored text is small, names no path of this machine and no code of
 *   the providers, so a change of fleet's providers changes no state;
 * - objects created by a provider serialized whole (as fleet did before the
 *   stubs; the fixtures were taken from that version) are still previewed,
 *   refreshed, updated and deleted;
 * - the host finds the project from its working directory or FLEET_PROJECT_DIR.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadStub, PROJECT_ROOT, secret, startEngineHarness, type EngineHarness, type SerializedProvider } from "../engine/index";
import { startHerokuDouble, type HerokuDouble } from "../heroku-double";

const FAST_CLIENT = {
  FLEET_HEROKU_POLL_MS: "2",
  FLEET_HEROKU_RETRY_BASE_MS: "5",
  FLEET_HEROKU_RATE_LIMIT_BASE_MS: "5",
  FLEET_HEROKU_RETRY_CAP_MS: "50",
  FLEET_HEROKU_REQUEST_TIMEOUT_MS: "2000",
};
const APP_TYPE = { type: "pulumi-nodejs:dynamic/heroku:App" };
const CONFIG_TYPE = { type: "pulumi-nodejs:dynamic/heroku:ConfigVars" };

/** A provider as fleet serialized it before the stubs: the whole provider code in the text. */
function providerBeforeStubs(file: string, kind: string): SerializedProvider {
  return { text: readFileSync(join(PROJECT_ROOT, "test", "engine", "fixtures", file), "utf8"), modulePath: file, exportName: kind };
}

let heroku: HerokuDouble;
let engine: EngineHarness;

beforeAll(async () => {
  heroku = await startHerokuDouble({ seed: 41 });
  engine = await startEngineHarness({ env: { ...heroku.env, ...FAST_CLIENT } });
});

afterEach(() => {
  expect(heroku.violations).toEqual([]);
  expect(heroku.internalErrors).toEqual([]);
});

afterAll(async () => {
  await engine?.close();
  await heroku?.close();
});

function writes(): Array<{ method: string; path: string }> {
  return heroku.requests.filter((r) => r.method !== "GET").map((r) => ({ method: r.method, path: r.path }));
}

describe("the provider text in state", () => {
  it("is a few kilobytes naming only its kind: no path of this machine, no provider code", async () => {
    const app = await loadStub("app");
    const addon = await loadStub("addon");
    expect(app.text.length).toBeLessThan(1_000);
    expect(app.text).toContain('.provider("app")');
    expect(app.text).not.toContain(PROJECT_ROOT);
    for (const code of ["api.heroku.com", "application/vnd.heroku+json", "safeParse", "appNameProblem"]) expect(app.text).not.toContain(code);
    // Every kind's stub is the same text but for its kind.
    expect(addon.text.replace('.provider("addon")', '.provider("app")')).toBe(app.text);
  });
});

describe("state written by a provider serialized whole, before the stubs", () => {
  it("an app: previewed without a diff, refreshed by its own copy, updated and deleted through the stub", async () => {
    const before = providerBeforeStubs("app-provider-before-stubs.js", "app");
    const stub = await loadStub("app");
    const inputs = { name: "fleet-legacy-app", region: "us" };
    const old = engine.resource(before, "legacy", APP_TYPE);
    expect((await old.up(inputs)).op).toBe("create");

    // The next `pulumi up` with today's fleet: the engine diffs with the new stub against the old outputs.
    const now = engine.resource(stub, "legacy", APP_TYPE);
    now.setState(old.state);
    heroku.clearRequests();
    expect((await now.preview(inputs)).op).toBe("same");
    expect((await now.up(inputs)).op).toBe("same");
    expect(writes()).toEqual([]);

    // Refresh runs the provider stored in the outputs: the old copy still reads the app.
    expect((await old.refresh()).op).toBe("same");

    expect((await now.up({ ...inputs, maintenance: true })).op).toBe("update");
    expect(heroku.state.app("fleet-legacy-app")?.maintenance).toBe(true);
    await now.destroy();
    expect(heroku.state.app("fleet-legacy-app")).toBeUndefined();
  });

  it("an app deleted by the provider stored in its state (removed from the program before any update)", async () => {
    const old = engine.resource(providerBeforeStubs("app-provider-before-stubs.js", "app"), "gone", APP_TYPE);
    await old.up({ name: "fleet-legacy-gone" });
    await old.destroy();
    expect(heroku.state.app("fleet-legacy-gone")).toBeUndefined();
  });

  it("config vars with secret values: no diff, then a rotation through the stub", async () => {
    heroku.seed.app({ name: "fleet-legacy-vars" });
    const before = providerBeforeStubs("config-vars-provider-before-stubs.js", "configVars");
    const inputs = { app: "fleet-legacy-vars", vars: secret({ SESSION_SECRET: "old-value-1", LOG_LEVEL: "info" }) };
    const old = engine.resource(before, "vars", CONFIG_TYPE);
    await old.up(inputs);
    const now = engine.resource(await loadStub("configVars"), "vars", CONFIG_TYPE);
    now.setState(old.state);
    expect((await now.preview(inputs)).op).toBe("same");
    expect((await now.up({ ...inputs, vars: secret({ SESSION_SECRET: "new-value-2", LOG_LEVEL: "info" }) })).op).toBe("update");
    expect(heroku.state.configVars("fleet-legacy-vars")).toMatchObject({ SESSION_SECRET: "new-value-2", LOG_LEVEL: "info" });
    expect(now.plaintextState()).not.toContain("new-value-2");
    await now.destroy();
  });
});

describe("where the host runs", () => {
  it("finds the project from FLEET_PROJECT_DIR when started elsewhere", async () => {
    const elsewhere = await mkdtemp(join(tmpdir(), "fleet-host-cwd-"));
    const host = await startEngineHarness({ cwd: elsewhere, env: { ...heroku.env, ...FAST_CLIENT, FLEET_PROJECT_DIR: PROJECT_ROOT } });
    try {
      const app = host.resource(await loadStub("app"), "elsewhere", APP_TYPE);
      await app.up({ name: "fleet-host-elsewhere" });
      expect(heroku.state.app("fleet-host-elsewhere")).toBeDefined();
      await app.destroy();
    } finally {
      await host.close();
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it("finds the project by walking up from a subfolder", async () => {
    const host = await startEngineHarness({ cwd: join(PROJECT_ROOT, "stacks"), env: { ...heroku.env, ...FAST_CLIENT } });
    try {
      const app = host.resource(await loadStub("app"), "subfolder", APP_TYPE);
      await app.up({ name: "fleet-host-subfolder" });
      await app.destroy();
      expect(heroku.state.app("fleet-host-subfolder")).toBeUndefined();
    } finally {
      await host.close();
    }
  });
});
