/**
 * fleet's Heroku providers as the engine runs them: serialized from
 * components/heroku (as `new pulumi.dynamic.Resource` does under tsx), run in
 * the SDK's dynamic-provider host, driven over gRPC against the Heroku double
 * — create, no-op, update, replace, refresh drift, adoption, lost answers,
 * failures, and no secret in the host's output or in plaintext state.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CheckFailedError, EngineCallError, loadStub, secret, startEngineHarness, type EngineHarness, type SerializedProvider } from "../engine";
import { startHerokuDouble, type HerokuDouble } from "../heroku-double";
import { nodeApp } from "../heroku-double/source";

/** Client settings for tests: poll every few ms, retry almost at once, short per-request timeout. */
const FAST_CLIENT = {
  FLEET_HEROKU_POLL_MS: "2",
  FLEET_HEROKU_RETRY_BASE_MS: "5",
  FLEET_HEROKU_RATE_LIMIT_BASE_MS: "5",
  FLEET_HEROKU_RETRY_CAP_MS: "50",
  FLEET_HEROKU_RATE_LIMIT_REFILL_MS: "5",
  FLEET_HEROKU_REQUEST_TIMEOUT_MS: "2000",
  FLEET_HEROKU_WAIT_SCALE: "0.01",
  FLEET_HEROKU_LOG: "debug",
};

const SESSION_SECRET = "s3ss10n-secret-never-printed-7f2a9c";

const KINDS = [
  "app",
  "configVars",
  "addon",
  "build",
  "formation",
  "schedulerJob",
  "postgresCredential",
  "attachment",
  "domain",
  "drain",
  "pipeline",
  "pipelineCoupling",
  "redisConfig",
  "pgBackupSchedule",
] as const;
type Kind = (typeof KINDS)[number];

let heroku: HerokuDouble;
let engine: EngineHarness;
const providers = {} as Record<Kind, SerializedProvider>;
let sourceDir: string;

beforeAll(async () => {
  heroku = await startHerokuDouble({ seed: 23, maxPageSize: 3 });
  for (const kind of KINDS) providers[kind] = await loadStub(kind);
  engine = await startEngineHarness({ env: { ...heroku.env, ...FAST_CLIENT } });
  sourceDir = await mkdtemp(join(tmpdir(), "fleet-engine-build-"));
  const files = nodeApp("web: node server.js\nworker: node worker.js\nrelease: node migrate.js\n");
  for (const [path, content] of Object.entries(files)) await writeFile(join(sourceDir, path), content);
});

afterEach(() => {
  heroku.faults.clear();
  expect(heroku.internalErrors).toEqual([]);
  expect(heroku.violations).toEqual([]);
});

afterAll(async () => {
  await engine?.close();
  await heroku?.close();
  if (sourceDir) await rm(sourceDir, { recursive: true, force: true });
});

const APP_TYPE = { type: "pulumi-nodejs:dynamic/heroku:App" };

function writes(): Array<{ method: string; path: string }> {
  return heroku.requests.filter((r) => r.method !== "GET").map((r) => ({ method: r.method, path: r.path }));
}

describe("app provider", () => {
  it("creates an app, changes nothing on an identical up, updates maintenance in place, deletes it", async () => {
    const app = engine.resource(providers.app, "shop", APP_TYPE);
    expect((await app.up({ name: "fleet-shop-staging", region: "us" })).op).toBe("create");
    const live = heroku.state.app("fleet-shop-staging");
    expect(app.outputs).toMatchObject({ appId: live?.id, name: "fleet-shop-staging", region: "us", stack: "heroku-24", adopted: false });
    expect(String(app.outputs["webUrl"])).toMatch(/^https:\/\/fleet-shop-staging-[0-9a-f]{12}\.herokuapp\.com\/$/);

    heroku.clearRequests();
    expect((await app.up({ name: "fleet-shop-staging", region: "us" })).op).toBe("same");
    expect(writes()).toEqual([]);

    expect((await app.up({ name: "fleet-shop-staging", region: "us", maintenance: true })).op).toBe("update");
    expect(heroku.state.app("fleet-shop-staging")?.maintenance).toBe(true);
    await app.destroy();
    expect(heroku.state.app("fleet-shop-staging")).toBeUndefined();
  });

  it("sees a hand edit as drift on refresh and plans to undo it", async () => {
    const app = engine.resource(providers.app, "drifty", APP_TYPE);
    const inputs = { name: "fleet-drifty", maintenance: false };
    await app.up(inputs);
    expect((await app.refresh()).op).toBe("same");
    heroku.handEdit.app("fleet-drifty", { maintenance: true });
    expect(await app.refresh()).toEqual({ op: "update", changed: ["maintenance"] });
    expect((await app.preview(inputs)).op).toBe("update");
    await app.up(inputs);
    expect(heroku.state.app("fleet-drifty")?.maintenance).toBe(false);
    heroku.handEdit.deleteApp("fleet-drifty");
    expect((await app.refresh()).op).toBe("delete");
  });

  it("replaces the app when the region changes, deleting the old one first (names are global)", async () => {
    const app = engine.resource(providers.app, "mover", APP_TYPE);
    await app.up({ name: "fleet-mover", region: "us" });
    const step = await app.up({ name: "fleet-mover", region: "eu" });
    expect(step).toMatchObject({ op: "replace", replaces: ["region"], calls: ["Check", "Diff", "Delete", "Create"] });
    expect(heroku.state.app("fleet-mover")?.region).toBe("eu");
    await app.destroy();
  });

  it("adopts an app made out of band, and refuses one that does not match the config", async () => {
    const seeded = heroku.seed.app({ name: "euterpe" });
    const app = engine.resource(providers.app, "euterpe", APP_TYPE);
    await app.up({ name: "euterpe", adopt: true });
    expect(app.outputs).toMatchObject({ appId: seeded.id, adopted: true });
    expect([...heroku.state.apps.values()].filter((a) => a.name === "euterpe")).toHaveLength(1);

    heroku.seed.app({ name: "bookshelf-hermes", region: "eu" });
    const mismatch = engine.resource(providers.app, "hermes", APP_TYPE);
    await expect(mismatch.up({ name: "bookshelf-hermes", region: "us", adopt: true })).rejects.toThrow(/region is eu, config says us/);
    await expect(engine.resource(providers.app, "ghost", APP_TYPE).up({ name: "no-such-app-x", adopt: true })).rejects.toThrow(/no app named/);
  });

  it("resumes a create whose answer was lost instead of making a second app", async () => {
    heroku.faults.inject("commit-then-drop", { method: "POST", path: "/apps" });
    const app = engine.resource(providers.app, "lost", APP_TYPE);
    expect((await app.up({ name: "fleet-lost-answer" })).op).toBe("create");
    expect(heroku.faults.fired.at(-1)).toMatchObject({ kind: "commit-then-drop", path: "/apps" });
    expect([...heroku.state.apps.values()].filter((a) => a.name === "fleet-lost-answer")).toHaveLength(1);
    expect(app.outputs["appId"]).toBe(heroku.state.app("fleet-lost-answer")?.id);
  });

  it("retries reads through 503s, 429s and dropped connections", async () => {
    heroku.seed.app({ name: "fleet-flaky" });
    const app = engine.resource(providers.app, "flaky", APP_TYPE);
    heroku.faults.queue([503, 429, "drop"], { method: "GET", path: "/apps/:app" });
    await app.up({ name: "fleet-flaky", adopt: true });
    expect(heroku.faults.fired.slice(-3).map((f) => f.kind)).toEqual([503, 429, "drop"]);
  });
});

describe("config-vars provider", () => {
  it("writes only its keys, one PATCH per change and none when unchanged, never printing a value", async () => {
    const appId = heroku.seed.app({ name: "fleet-config", configVars: { SET_BY_HAND: "1" } }).id;
    const vars = engine.resource(providers.configVars, "config", { type: "pulumi-nodejs:dynamic/heroku:ConfigVars", additionalSecretOutputs: ["vars"] });
    await vars.up({ app: appId, vars: secret({ NODE_ENV: "production", SESSION_SECRET }) });
    expect(heroku.state.configVars("fleet-config")).toMatchObject({ NODE_ENV: "production", SESSION_SECRET, SET_BY_HAND: "1" });
    expect(vars.outputs["unmanagedKeys"]).toEqual(["SET_BY_HAND"]);

    heroku.handEdit.configVars("fleet-config", { SET_BY_HAND: null });
    await vars.refresh();
    heroku.clearRequests();
    expect((await vars.up({ app: appId, vars: secret({ NODE_ENV: "production", SESSION_SECRET }) })).op).toBe("same");
    expect(writes()).toEqual([]);

    await vars.up({ app: appId, vars: secret({ NODE_ENV: "staging", SESSION_SECRET }) });
    const patches = heroku.requests.filter((r) => r.method === "PATCH");
    expect(patches.map((r) => r.body)).toEqual([{ NODE_ENV: "staging" }]);

    expect(vars.plaintextState()).not.toContain(SESSION_SECRET);
    expect(engine.stdout + engine.stderr).not.toContain(SESSION_SECRET);
  });

  it("shows hand-set keys as drift and refuses keys that belong to add-ons, reading every page of attachments", async () => {
    const appId = heroku.seed.app({ name: "fleet-config-2" }).id;
    heroku.seed.addon({ app: "fleet-config-2", plan: "heroku-postgresql:essential-0" });
    heroku.seed.addon({ app: "fleet-config-2", plan: "heroku-postgresql:essential-0" });
    heroku.seed.addon({ app: "fleet-config-2", plan: "heroku-redis:mini" });
    expect(heroku.state.attachmentsOf("fleet-config-2").length).toBeGreaterThan(3);
    const vars = engine.resource(providers.configVars, "config-2");
    const inputs = { app: appId, vars: { LOG_LEVEL: "info" } };
    await vars.up(inputs);
    heroku.handEdit.configVars("fleet-config-2", { DEBUG: "1" });
    const refreshed = await vars.refresh();
    expect(refreshed.changed).toContain("unmanagedKeys");
    expect((await vars.preview(inputs)).op).toBe("update");

    heroku.clearRequests();
    const clash = vars.up({ app: appId, vars: { LOG_LEVEL: "info", DATABASE_URL: "postgres://mine", REDIS_URL: "redis://mine" } });
    await expect(clash).rejects.toBeInstanceOf(CheckFailedError);
    await expect(clash).rejects.toThrow(/DATABASE_URL.*REDIS_URL/s);
    expect(heroku.requests.some((r) => r.path.endsWith("/addon-attachments") && r.status === 206)).toBe(true);
  });
});

describe("add-on provider", () => {
  it("returns once provisioned with its vars on the app, changes plan in place, deletes it", async () => {
    const appId = heroku.seed.app({ name: "fleet-db-app" }).id;
    const db = engine.resource(providers.addon, "db", { type: "pulumi-nodejs:dynamic/heroku:Addon", additionalSecretOutputs: ["configVars"] });
    expect((await db.up({ app: appId, plan: "heroku-postgresql:essential-0" })).op).toBe("create");
    const url = heroku.state.configVars("fleet-db-app")["DATABASE_URL"];
    expect(url).toMatch(/^postgres:/);
    expect(db.outputs).toMatchObject({ state: "provisioned", plan: "heroku-postgresql:essential-0", configVars: { DATABASE_URL: url } });
    expect(db.plaintextState()).not.toContain(String(url));

    expect((await db.up({ app: appId, plan: "heroku-postgresql:standard-0" })).op).toBe("update");
    expect(heroku.state.addon(String(db.outputs["addonId"]))?.plan).toBe("standard-0");
    await db.destroy();
    expect(heroku.state.addonsOf("fleet-db-app").map((a) => a.state)).toEqual(["deprovisioning"]);
    expect(heroku.state.configVars("fleet-db-app")).not.toHaveProperty("DATABASE_URL");
  });

  it("resumes a named add-on whose create answer was lost", async () => {
    const appId = heroku.seed.app({ name: "fleet-cache-app" }).id;
    heroku.faults.inject("commit-then-drop", { method: "POST", path: "/apps/:app/addons" });
    const cache = engine.resource(providers.addon, "cache");
    await cache.up({ app: appId, plan: "heroku-redis:mini", name: "fleet-cache" });
    expect(heroku.state.addonsOf("fleet-cache-app").map((a) => a.name)).toEqual(["fleet-cache"]);
    expect(cache.outputs["configVarNames"]).toEqual(["REDIS_URL"]);
  });

  it("fails with a clear message when Heroku cannot provision it", async () => {
    const appId = heroku.seed.app({ name: "fleet-bad-addon" }).id;
    heroku.control.failNextAddonProvision({ app: "fleet-bad-addon" });
    const failed = engine.resource(providers.addon, "bad").up({ app: appId, plan: "heroku-postgresql:essential-0" });
    await expect(failed).rejects.toBeInstanceOf(EngineCallError);
    await expect(failed).rejects.toThrow(/could not provision/);
  });
});

describe("build provider", () => {
  it("uploads without a Content-Type, builds, waits for the release phase, and Heroku scales web", async () => {
    const appId = heroku.seed.app({ name: "fleet-build-app" }).id;
    const build = engine.resource(providers.build, "build", { type: "pulumi-nodejs:dynamic/heroku:Build" });
    expect((await build.up({ app: appId, sourceDir })).op).toBe("create");
    const upload = heroku.requests.find((r) => r.host === "blob" && r.method === "PUT");
    expect(upload).toMatchObject({ status: 200 });
    expect(upload?.headers["content-type"]).toBeUndefined();
    expect(upload?.auth).toBe("none");

    const current = heroku.state.currentRelease("fleet-build-app");
    expect(build.outputs).toMatchObject({ status: "succeeded", releaseId: current?.id, releaseVersion: current?.version });
    expect(build.outputs["processTypes"]).toEqual({ web: "node server.js", worker: "node worker.js", release: "node migrate.js" });
    expect(heroku.state.formationOf("fleet-build-app")).toMatchObject({ web: { quantity: 1 }, worker: { quantity: 0 } });

    heroku.clearRequests();
    expect((await build.up({ app: appId, sourceDir, sourceSha256: String(build.outputs["sourceSha256"]) })).op).toBe("same");
    expect(writes()).toEqual([]);
  });

  it("reports the tail of the build output when the build fails", async () => {
    const appId = heroku.seed.app({ name: "fleet-build-fails" }).id;
    heroku.control.failNextBuild({ app: "fleet-build-fails", message: "npm ERR! Missing script: build" });
    const failed = engine.resource(providers.build, "fails").up({ app: appId, sourceDir });
    await expect(failed).rejects.toThrow(/npm ERR! Missing script: build/);
  });

  it("reports a failed release phase, which leaves the previous release running", async () => {
    const appId = heroku.seed.app({ name: "fleet-release-fails" }).id;
    heroku.control.failNextReleasePhase({ app: "fleet-release-fails", message: "migration 004 failed: relation exists" });
    const failed = engine.resource(providers.build, "release-fails").up({ app: appId, sourceDir });
    await expect(failed).rejects.toThrow(/release phase/);
    await expect(failed).rejects.toThrow(/migration 004 failed/);
    expect(heroku.state.currentRelease("fleet-release-fails")?.slugId).toBeNull();
  });
});

describe("the other providers", () => {
  it("formation: scales the released types, compares sizes case-insensitively, sees a hand scale as drift", async () => {
    const appId = heroku.seed.app({ name: "fleet-formation" }).id;
    heroku.seed.deploy({ app: "fleet-formation", processTypes: { web: "node web.js", worker: "node worker.js", release: "node m.js" } });
    const formation = engine.resource(providers.formation, "formation");
    const inputs = { app: appId, processes: { web: { quantity: 2, size: "standard-2x" }, worker: { quantity: 1, size: "standard-1x" } } };
    await formation.up(inputs);
    expect(heroku.state.formationOf("fleet-formation")).toMatchObject({ web: { quantity: 2, size: "Standard-2X" }, worker: { quantity: 1, size: "Standard-1X" } });
    expect((await formation.preview(inputs)).op).toBe("same");
    heroku.handEdit.scale("fleet-formation", [{ type: "web", quantity: 5 }]);
    expect((await formation.refresh()).op).toBe("update");
    expect((await formation.preview(inputs)).op).toBe("update");
    await formation.up(inputs);
    expect(heroku.state.formationOf("fleet-formation")["web"]?.quantity).toBe(2);
  });

  it("scheduler job: creates it on particleboard by app UUID, sees hand edits, deletes it", async () => {
    const appId = heroku.seed.app({ name: "fleet-scheduled" }).id;
    heroku.seed.addon({ app: "fleet-scheduled", plan: "scheduler:standard" });
    const job = engine.resource(providers.schedulerJob, "pipeline-job");
    const inputs = { app: appId, command: "npm run pipeline", dynoSize: "Standard-1X", every: 60, at: 10 };
    await job.up(inputs);
    const [live] = heroku.state.schedulerJobsOf("fleet-scheduled");
    expect(live).toMatchObject({ command: "npm run pipeline", dynoSize: "Standard-1X", every: 60, at: 10 });
    heroku.handEdit.schedulerJob(String(live?.id), { at: 20 });
    expect((await job.refresh()).op).toBe("update");
    expect((await job.preview(inputs)).op).toBe("update");
    await job.destroy();
    expect(heroku.state.schedulerJobsOf("fleet-scheduled")).toEqual([]);
  });

  it("postgres credential + attachment: waits for active, exposes it to another app by namespace", async () => {
    heroku.seed.app({ name: "fleet-shared-db" });
    const guestId = heroku.seed.app({ name: "fleet-guest" }).id;
    const db = heroku.seed.addon({ app: "fleet-shared-db", plan: "heroku-postgresql:standard-0", name: "fleet-shared-pg" });
    const credential = engine.resource(providers.postgresCredential, "cred");
    await credential.up({ addon: db.name, name: "euterpe", plan: "heroku-postgresql:standard-0" });
    expect(heroku.state.pgCredentials(db.name).find((c) => c.name === "euterpe")?.state).toBe("active");
    const attachment = engine.resource(providers.attachment, "attach");
    await attachment.up({ addon: db.name, app: guestId, name: "EUTERPE_DATABASE", namespace: "credential:euterpe" });
    const user = heroku.state.pgCredentials(db.name).find((c) => c.name === "euterpe")?.user;
    expect(heroku.state.configVars("fleet-guest")["EUTERPE_DATABASE_URL"]).toContain(`://${String(user)}:`);
    await attachment.destroy();
    await credential.destroy();
    heroku.settle();
    expect(heroku.state.pgCredentials(db.name).map((c) => c.name)).toEqual(["default"]);

    const essential = heroku.seed.addon({ app: "fleet-shared-db", plan: "heroku-postgresql:essential-0", attachmentName: "SMALL_DATABASE" });
    const refusedInCheck = engine.resource(providers.postgresCredential, "refused").up({ addon: essential.name, name: "nope", plan: "heroku-postgresql:essential-0" });
    await expect(refusedInCheck).rejects.toBeInstanceOf(CheckFailedError);
    await expect(refusedInCheck).rejects.toThrow(/Standard or higher/);
    // A stale plan in the config gets past Check; Heroku's own refusal must come through readable.
    const refusedByHeroku = engine.resource(providers.postgresCredential, "stale").up({ addon: essential.name, name: "nope", plan: "heroku-postgresql:standard-0" });
    await expect(refusedByHeroku).rejects.toThrow(/You can't create a custom credential on Essential-tier databases/);
  });

  it("domain, drain, pipeline and coupling: create, read back, change, delete", async () => {
    const appId = heroku.seed.app({ name: "fleet-web" }).id;
    const domain = engine.resource(providers.domain, "domain");
    await domain.up({ app: appId, hostname: "shop.example.com" });
    expect(domain.outputs["cname"]).toBe(heroku.state.domainsOf("fleet-web")[0]?.cname);
    await domain.destroy();
    expect(heroku.state.domainsOf("fleet-web")).toEqual([]);

    const drainUrl = "syslog+tls://user:pass@logs.example.com:6514";
    const drain = engine.resource(providers.drain, "drain");
    await drain.up({ app: appId, url: secret(drainUrl) });
    expect(drain.outputs["token"]).toBe(heroku.state.drainsOf("fleet-web")[0]?.token);
    expect(drain.plaintextState()).not.toContain("user:pass");

    const pipeline = engine.resource(providers.pipeline, "pipeline");
    await pipeline.up({ name: "fleet-shop" });
    const coupling = engine.resource(providers.pipelineCoupling, "coupling");
    await coupling.up({ app: appId, pipeline: String(pipeline.outputs["pipelineId"]), stage: "staging" });
    expect((await coupling.up({ app: appId, pipeline: String(pipeline.outputs["pipelineId"]), stage: "production" })).op).toBe("update");
    expect(heroku.state.couplingOf("fleet-web")?.stage).toBe("production");
    await coupling.destroy();
    await pipeline.destroy();
    expect(heroku.state.pipelines.size).toBe(0);
  });

  it("redis config and backup schedule: set through the data API, stable on a second up, drift on refresh", async () => {
    heroku.seed.app({ name: "fleet-data" });
    const redis = heroku.seed.addon({ app: "fleet-data", plan: "heroku-redis:premium-0" });
    const pg = heroku.seed.addon({ app: "fleet-data", plan: "heroku-postgresql:standard-0" });
    const config = engine.resource(providers.redisConfig, "redis-config");
    const configInputs = { addon: redis.name, maxmemoryPolicy: "allkeys-lru" };
    await config.up(configInputs);
    expect(heroku.state.redisConfig(redis.name)?.maxmemory_policy).toBe("allkeys-lru");
    expect((await config.preview(configInputs)).op).toBe("same");
    heroku.handEdit.redisConfig(redis.name, { maxmemory_policy: "noeviction" });
    expect((await config.refresh()).op).toBe("update");

    const schedule = engine.resource(providers.pgBackupSchedule, "backups");
    const scheduleInputs = { addon: pg.name, hour: "02", timezone: "Europe/Berlin", scheduleName: "DATABASE_URL" };
    await schedule.up(scheduleInputs);
    expect(heroku.state.backupSchedulesOf(pg.name)).toMatchObject([{ hour: "02", timezone: "Europe/Berlin" }]);
    expect((await schedule.refresh()).op).toBe("same");
    expect((await schedule.preview(scheduleInputs)).op).toBe("same");
  });
});

describe("what the host printed", () => {
  it("never contains the API token or a config-var secret", () => {
    const printed = engine.stdout + engine.stderr;
    expect(printed).not.toContain(heroku.token);
    expect(printed).not.toContain(SESSION_SECRET);
    expect(printed).toContain("heroku:");
  });
});
