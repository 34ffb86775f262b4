/**
 * The providers as the engine runs them: serialized with
 * `pulumi.runtime.serializeFunction` after loading through tsx (as the
 * program is loaded), executed by the SDK's own dynamic-provider host in a
 * separate plain-node process, driven over gRPC. Catches what direct calls
 * cannot: serialization traps, `undefined` in outputs, error shapes the host
 * turns into "created but failed", secrets in state.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
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
  "oneOffRun",
  "smokeCheck",
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
  expect(heroku?.violations).toEqual([]);
  expect(heroku?.internalErrors).toEqual([]);
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

  it("refuses an existing app of the same name without adopt, with the command that adopts it, as a plain failure", async () => {
    heroku.seed.app({ name: "engine-taken", region: "us", maintenance: true });
    const app = engine.resource(provider("app"), "engine-taken");
    const error = await app.up({ name: "engine-taken", region: "us", maintenance: false, configKey: "shop" }).then(
      () => undefined,
      (e: unknown) => e as { message: string; initFailure?: unknown },
    );
    expect(error?.message).toContain("App engine-taken already exists on Heroku and this create did not make it");
    expect(error?.message).toContain("pulumi config set --path 'fleet:apps.shop.adoptApp' engine-taken");
    expect(error?.message).toMatch(/Name is already taken/);
    // Not "created but failed": the engine must not record someone else's app as fleet's.
    expect(error?.initFailure).toBeUndefined();
    expect(app.state).toBeUndefined();
    expect(heroku.state.app("engine-taken")?.maintenance).toBe(true);
  });

  it("adopts with adopt set, and destroying the adopted app forgets it without deleting it", async () => {
    heroku.seed.app({ name: "engine-adopted", region: "us" });
    const app = engine.resource(provider("app"), "engine-adopted", { type: "pulumi-nodejs:dynamic/heroku:App" });
    expect((await app.up({ name: "engine-adopted", region: "us", adopt: true })).op).toBe("create");
    expect(app.outputs["adopted"]).toBe(true);
    heroku.clearRequests();
    await app.destroy();
    expect(heroku.state.app("engine-adopted")).toBeDefined();
    expect(heroku.requests.some((r) => r.method === "DELETE" && r.path.startsWith("/apps/"))).toBe(false);
  });
});

describe("state written before fleet sent size and knew the config key", () => {
  it("an app recorded without configKey sees no change when it is added; a formation recorded then resizes through size", async () => {
    const appId = heroku.seed.app({ name: "engine-legacy-state" }).id;
    heroku.seed.deploy({ app: "engine-legacy-state", processTypes: { web: "node index.js" }, formation: { web: { quantity: 1, size: "basic" } } });

    const app = engine.resource(provider("app"), "engine-legacy-app");
    app.setState({
      id: appId,
      inputs: { name: "engine-legacy-state", region: "us", stack: "heroku-24" },
      outputs: {
        appId,
        name: "engine-legacy-state",
        webUrl: "https://engine-legacy-state-000000000000.herokuapp.com/",
        region: "us",
        stack: "heroku-24",
        acm: false,
        maintenance: false,
        features: {},
        adopted: false,
      },
      secretKeys: new Set(),
    });
    expect((await app.up({ name: "engine-legacy-state", region: "us", stack: "heroku-24", configKey: "legacy" })).op).toBe("same");

    // Outputs as the provider that sent dyno_size wrote them: the same shape.
    const formation = engine.resource(provider("formation"), "engine-legacy-formation");
    formation.setState({
      id: `formation:${appId}`,
      inputs: { app: appId, processes: { web: { quantity: 1, size: "basic" } } },
      outputs: { app: appId, processes: { web: { quantity: 1, size: "Basic" } } },
      secretKeys: new Set(),
    });
    expect((await formation.up({ app: appId, processes: { web: { quantity: 2, size: "standard-1X" } } })).op).toBe("update");
    expect(heroku.state.formationOf("engine-legacy-state")["web"]).toMatchObject({ quantity: 2, size: "Standard-1X" });
    expect(formation.outputs).toEqual({ app: appId, processes: { web: { quantity: 2, size: "Standard-1X" } } });
  });
});

describe("orphans left by a create that failed after its POST", () => {
  it("the next up takes back the domain and drain already on the app, once, and refreshes them unchanged", async () => {
    const appId = heroku.seed.app({ name: "engine-orphans" }).id;
    const orphanDomain = heroku.seed.domain({ app: "engine-orphans", hostname: "orphan.engine.example.com" });
    const orphanDrain = heroku.seed.drain({ app: "engine-orphans", url: "https://logs.example.com/engine-orphans" });

    const domain = engine.resource(provider("domain"), "engine-orphan-domain");
    expect((await domain.up({ app: appId, hostname: "orphan.engine.example.com" })).op).toBe("create");
    expect(domain.state?.id).toBe(orphanDomain.id);
    const drain = engine.resource(provider("drain"), "engine-orphan-drain", { additionalSecretOutputs: ["url"] });
    expect((await drain.up({ app: appId, url: secret("https://logs.example.com/engine-orphans") })).op).toBe("create");
    expect(drain.state?.id).toBe(orphanDrain.id);

    expect(heroku.state.domainsOf("engine-orphans").filter((d) => d.kind === "custom")).toHaveLength(1);
    expect(heroku.state.drainsOf("engine-orphans")).toHaveLength(1);
    expect(await domain.refresh()).toEqual({ op: "same", changed: [] });
    expect(await drain.refresh()).toEqual({ op: "same", changed: [] });
  });

  it("the next up takes back the named add-on and the attachment already on the app, once, and refreshes them unchanged", async () => {
    const appId = heroku.seed.app({ name: "engine-orphan-addons" }).id;
    heroku.seed.app({ name: "engine-orphan-owner" });
    const orphanCache = heroku.seed.addon({ app: "engine-orphan-addons", plan: "heroku-redis:mini", name: "engine-orphan-cache" });
    const shared = heroku.seed.addon({ app: "engine-orphan-owner", plan: "heroku-postgresql:essential-0", name: "engine-orphan-shared" });
    const orphanAttachment = heroku.seed.attachment({ addon: shared.id, app: "engine-orphan-addons", name: "SHARED_DATABASE" });

    const cache = engine.resource(provider("addon"), "engine-orphan-cache");
    expect((await cache.up({ app: appId, plan: "heroku-redis:mini", name: "engine-orphan-cache" })).op).toBe("create");
    expect(cache.state?.id).toBe(orphanCache.id);
    const attachment = engine.resource(provider("attachment"), "engine-orphan-attachment");
    expect((await attachment.up({ addon: shared.id, app: appId, name: "SHARED_DATABASE" })).op).toBe("create");
    expect(attachment.state?.id).toBe(orphanAttachment.id);

    expect(heroku.state.addonsOf("engine-orphan-addons").filter((a) => a.service === "heroku-redis")).toHaveLength(1);
    expect(heroku.state.attachmentsOf("engine-orphan-addons").filter((a) => a.name === "SHARED_DATABASE")).toHaveLength(1);
    expect(await cache.refresh()).toEqual({ op: "same", changed: [] });
    expect(await attachment.refresh()).toEqual({ op: "same", changed: [] });
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

describe("SmokeCheck through the host", () => {
  it("passes once the app answers 200, runs again for a new release, and fails with the status, body masked, naming the release", async () => {
    const appId = heroku.seed.app({ name: "engine-smoke", configVars: { SIGNING_KEY: "engine-smoke-signing-key-42" } }).id;
    let status = 200;
    const server = createServer((_req, res) => {
      res.writeHead(status, { "Content-Type": "text/plain" });
      res.end(status === 200 ? '{"status":"ok","release":"v3"}' : "down: engine-smoke-signing-key-42");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const check = engine.resource(provider("smokeCheck"), "engine-smoke-check", { type: "pulumi-nodejs:dynamic/heroku:SmokeCheck" });
      const inputs = { app: appId, url, path: "/health", releaseId: "r3", releaseVersion: 3, timeoutSeconds: 2 };
      expect((await check.up(inputs)).op).toBe("create");
      expect(check.outputs).toMatchObject({ status: 200, answeredRelease: "v3" });
      expect((await check.up(inputs)).op).toBe("same");
      expect(await check.refresh()).toEqual({ op: "same", changed: [] });

      status = 503;
      await expect(check.up({ ...inputs, releaseId: "r4", releaseVersion: 4 })).rejects.toThrow(/did not answer 200 within 2 s after release v4.*503 Service Unavailable.*Body: down: \[redacted\]/s);
      expect(check.outputs["releaseId"]).toBe("r3");
      expect(engine.stdout + engine.stderr).toContain("waiting for");
      expect(engine.stdout + engine.stderr).not.toContain("engine-smoke-signing-key-42");
      await check.destroy();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 30_000);
});
