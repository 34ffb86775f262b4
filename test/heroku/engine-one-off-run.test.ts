/**
 * OneOffRun as the engine runs it: the stub a resource stores in state, run
 * in the SDK's dynamic-provider host over gRPC, against the Heroku double —
 * once per trigger, a failed run recorded as failed and run again by the
 * next up, a new trigger replacing it, and the faults of a long wait (a lost
 * start, 5xx, log streams that drop) costing no second run and no line.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EngineCallError, loadStub, startEngineHarness, type EngineHarness, type SerializedProvider } from "../engine";
import { startHerokuDouble, type HerokuDouble } from "../heroku-double";

const FAST_CLIENT = {
  FLEET_HEROKU_POLL_MS: "2",
  FLEET_HEROKU_RETRY_BASE_MS: "5",
  FLEET_HEROKU_RATE_LIMIT_BASE_MS: "5",
  FLEET_HEROKU_RETRY_CAP_MS: "50",
  FLEET_HEROKU_RATE_LIMIT_REFILL_MS: "5",
  FLEET_HEROKU_REQUEST_TIMEOUT_MS: "2000",
  FLEET_HEROKU_WAIT_SCALE: "0.01",
  FLEET_HEROKU_LOG: "info",
};
const TYPE = { type: "pulumi-nodejs:dynamic/heroku:OneOffRun" };
const APP = "engine-runs";
const SECRET = "printed-secret-value-31337";

let heroku: HerokuDouble;
let engine: EngineHarness;
let stub: SerializedProvider;
let appId = "";

beforeAll(async () => {
  heroku = await startHerokuDouble({ seed: 31 });
  appId = heroku.seed.app({ name: APP, configVars: { API_TOKEN: SECRET } }).id;
  heroku.seed.deploy({ app: APP, processTypes: { web: "node server.js", release: "node migrate.js" } });
  stub = await loadStub("oneOffRun");
  engine = await startEngineHarness({ env: { ...heroku.env, ...FAST_CLIENT } });
});

afterEach(() => {
  heroku.faults.clear();
  expect(heroku.internalErrors).toEqual([]);
  expect(heroku.violations).toEqual([]);
});

afterAll(async () => {
  await engine?.close();
  await heroku?.close();
});

const pages = (n: number): string[] => Array.from({ length: n }, (_, i) => `page ${i + 1}: stored 100, skipped 0`);

describe("OneOffRun through the engine", () => {
  it("runs once per trigger: the same trigger is a no-op, a new one replaces it and runs again", async () => {
    const command = "node dist/jobs/backfill.js --app-id 3228590";
    heroku.control.scriptDyno({ command, output: pages(4) });
    const run = engine.resource(stub, "backfill-3228590", TYPE);
    const inputs = { app: appId, command, trigger: "tracked 3228590" };
    expect((await run.up(inputs)).op).toBe("create");
    expect(run.outputs).toMatchObject({ exitStatus: 0, finalState: "complete", outputTail: pages(4), appName: APP });
    expect(engine.stderr).toContain(`heroku: ${String(run.outputs["dynoName"])}: page 4: stored 100, skipped 0`);

    heroku.clearRequests();
    expect((await run.up(inputs)).op).toBe("same");
    expect((await run.refresh()).op).toBe("same");
    expect(heroku.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(heroku.state.runsOf(APP, command)).toHaveLength(1);

    const again = await run.up({ ...inputs, trigger: "backfill again" });
    expect(again).toMatchObject({ op: "replace", replaces: ["trigger"], calls: ["Check", "Diff", "Create", "Delete"] });
    expect(heroku.state.runsOf(APP, command)).toHaveLength(2);
    await run.destroy();
    expect(heroku.state.runsOf(APP, command)).toHaveLength(2);
  });

  it("a failing run fails the step with its status and output, is kept as failed, and the next up runs it again", async () => {
    const command = "node dist/jobs/backfill.js --app-id 2437170";
    heroku.control.scriptDyno({ command, output: ["page 1: stored 100, skipped 0", "Steam is down; run again to continue"], exitStatus: 1 });
    const run = engine.resource(stub, "backfill-2437170", TYPE);
    const inputs = { app: appId, command, trigger: "tracked 2437170" };
    const failure = await run.up(inputs).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(EngineCallError);
    const init = (failure as EngineCallError).initFailure;
    expect(init?.reasons.join("\n")).toMatch(/exited with status 1 .*Steam is down; run again to continue/s);
    expect(init?.properties).toMatchObject({ exitStatus: 1 });
    // The engine keeps a resource that failed to initialise, with its id and outputs.
    run.setState({ id: init!.id, inputs, outputs: init!.properties, secretKeys: new Set() });

    expect((await run.preview(inputs)).op).toBe("update");
    heroku.control.scriptDyno({ command, output: ["page 2: stored 40, skipped 0", "backfill complete"], exitStatus: 0 });
    expect((await run.up(inputs)).op).toBe("update");
    expect(run.outputs).toMatchObject({ exitStatus: 0, outputTail: ["page 2: stored 40, skipped 0", "backfill complete"] });
    expect((await run.up(inputs)).op).toBe("same");
    expect(heroku.state.runsOf(APP, command)).toHaveLength(2);
  });

  it("a lost start, a 5xx and log streams that drop cost no second run and no line", async () => {
    const command = "node dist/jobs/faulty.js";
    heroku.control.scriptDyno({ command, output: pages(12), lineIntervalMs: 3 });
    heroku.faults.inject("commit-then-drop", { method: "POST", path: "/apps/:app/dynos" });
    heroku.faults.inject(503, { method: "POST", path: "/apps/:app/log-sessions" });
    heroku.control.cutNextLogStream({ app: APP, afterLines: 5 });
    heroku.control.cutNextLogStream({ app: APP, afterLines: 2 });
    const run = engine.resource(stub, "faulty", TYPE);
    await run.up({ app: appId, command, trigger: "1" });
    expect(run.outputs).toMatchObject({ exitStatus: 0, outputTail: pages(12).slice(-8) });
    expect(heroku.state.runsOf(APP, command)).toHaveLength(1);
    const dyno = String(run.outputs["dynoName"]);
    const shown = engine.stderr.split("\n").filter((l) => l.startsWith(`heroku: ${dyno}: `));
    expect(shown).toEqual(pages(12).map((p) => `heroku: ${dyno}: ${p}`));
  });

  it("a dyno that crashes fails visibly; nothing the app holds secret reaches the host's output or the state", async () => {
    const command = "node dist/jobs/crash.js";
    heroku.control.scriptDyno({ command, output: [`connecting with ${SECRET}`], end: "memory" });
    const run = engine.resource(stub, "crash", TYPE);
    await expect(run.up({ app: appId, command, trigger: "1" })).rejects.toThrow(/exited with status 137.*Error R15/s);
    expect(engine.stdout + engine.stderr).not.toContain(SECRET);
    expect(engine.stderr).toContain("connecting with [redacted]");
  });
});
