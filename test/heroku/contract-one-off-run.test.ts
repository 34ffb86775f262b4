/**
 * OneOffRun against the double: a command run once in a detached one-off
 * dyno, its end and exit status observed through the app's log (the API
 * shows the dyno only while it runs), progress through the client's logger,
 * and the faults a long wait meets — lost answers, 5xx, a crashing dyno, a
 * dyno that vanishes, log streams that drop, stay quiet or expire.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setLogSink } from "../../components/heroku/log";
import { providers } from "../../components/heroku/providers/index";
import type { HerokuDouble } from "../heroku-double/index";
import { createResource, diffResource, readResource, structProblems, updateResource, type Tracked } from "./scenario";
import { useHerokuDouble } from "./use-heroku-double";

let heroku: HerokuDouble;
let appId = "";
const APP = "runner-app";
const BACKFILL = "node dist/jobs/backfill.js --app-id 3228590";

useHerokuDouble((h) => {
  heroku = h;
  appId = h.seed.app({ name: APP, configVars: { STEAM_KEY: "steam-secret-value-4242" } }).id;
  h.seed.deploy({ app: APP, processTypes: { web: "node dist/server.js", release: "node dist/migrate.js" } });
});

let progress: string[] = [];
beforeEach(() => {
  progress = [];
  setLogSink((_level, line) => progress.push(line));
});
afterEach(() => setLogSink(undefined));

const pages = (n: number): string[] => Array.from({ length: n }, (_, i) => `{"page":${i + 1},"stored":100,"skipped":0}`);

/** Resolves once `condition` holds (checked as the double and the provider make progress); `what` names it if it never does. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let checks = 0; !condition(); checks++) {
    if (checks > 6000) throw new Error(`${what} never happened`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The created-but-failed error a run that did not succeed throws, as the engine records it. */
async function failedRun(inputs: Record<string, unknown>): Promise<{ error: Error; tracked: Tracked }> {
  try {
    await createResource("oneOffRun", inputs);
  } catch (error) {
    const init = error as Error & { id?: string; properties?: Record<string, unknown> };
    if (init.id === undefined || init.properties === undefined) throw error;
    return { error: init, tracked: { kind: "oneOffRun", id: init.id, inputs, outputs: init.properties } };
  }
  throw new Error("expected the run to fail");
}

describe("OneOffRun", () => {
  it("starts a detached dyno once, shows its lines as progress, and reports exit status and output tail", async () => {
    heroku.control.scriptDyno({ command: BACKFILL, output: pages(10), exitStatus: 0 });
    const run = await createResource("oneOffRun", { app: appId, command: BACKFILL, trigger: "tracked 3228590" });
    expect(structProblems(run.outputs)).toEqual([]);
    expect(run.outputs).toMatchObject({ appName: APP, command: BACKFILL, trigger: "tracked 3228590", exitStatus: 0, finalState: "complete" });
    expect(run.outputs["dynoName"]).toMatch(/^run\.\d{4}$/);
    expect(run.outputs["outputTail"]).toEqual(pages(10).slice(-8));
    expect(heroku.state.runsOf(APP, BACKFILL)).toHaveLength(1);
    // A clean run: the app's name and config (for redaction), the newest release, running dynos, the start, one log session; one stream.
    expect(heroku.requests.filter((r) => r.host === "platform").map((r) => `${r.method} ${r.path.replace(/[0-9a-f-]{36}/g, ":id")}`)).toEqual([
      "GET /apps/:id",
      "GET /apps/:id/config-vars",
      "GET /apps/:id/releases",
      "GET /apps/:id/dynos",
      "POST /apps/:id/dynos",
      "POST /apps/:id/log-sessions",
    ]);
    expect(heroku.requests.filter((r) => r.host === "blob")).toHaveLength(1);
    // The tail was left as soon as Heroku logged the end: the connection is closed, not left to idle out.
    await expect.poll(() => heroku.state.openLogStreams()).toBe(0);
    const start = heroku.requests.filter((r) => r.method === "POST" && r.path.endsWith("/dynos"));
    expect(start.map((r) => r.body)).toEqual([{ command: BACKFILL, attach: false, time_to_live: 14_400 }]);
    // Progress: every line once, in order, then Heroku's word on the end.
    const dyno = String(run.outputs["dynoName"]);
    const printed = progress.filter((l) => l.startsWith(`heroku: ${dyno}: `)).map((l) => l.slice(`heroku: ${dyno}: `.length));
    expect(printed).toEqual(pages(10));
    expect(progress).toContain(`heroku: ${dyno} (heroku): Process exited with status 0`);

    // Same command and trigger: nothing to do, ever; refresh keeps the record.
    const same = { app: appId, command: BACKFILL, trigger: "tracked 3228590" };
    expect((await diffResource(run, same)).changes).toBe(false);
    expect(await readResource(run)).toEqual({ id: run.id, props: run.outputs });
    // A new trigger or command runs it again (a replacement); a size only applies to a later run.
    expect(await diffResource(run, { ...same, trigger: "again" })).toMatchObject({ changes: true, replaces: ["trigger"] });
    expect(await diffResource(run, { ...same, command: "node other.js" })).toMatchObject({ changes: true, replaces: ["command"] });
    expect(await diffResource(run, { ...same, size: "standard-2x" })).toMatchObject({ changes: true, replaces: [] });
    await updateResource(run, { ...same, size: "standard-2x" });
    expect(run.outputs).toMatchObject({ exitStatus: 0, size: "standard-2x" });
    await providers.oneOffRun.delete?.(run.id, run.outputs);
    expect(heroku.state.runsOf(APP, BACKFILL)).toHaveLength(1);
  });

  it("a status other than 0 fails with the status and the output's tail; the next up runs it again", async () => {
    const command = "node dist/jobs/backfill.js --app-id 2437170";
    heroku.control.scriptDyno({ command, output: ["page 1 stored 100", "Steam answered 503 five times; giving up (run again to continue)"], exitStatus: 1 });
    const inputs = { app: appId, command, trigger: "tracked 2437170" };
    const { error, tracked } = await failedRun(inputs);
    expect(error.message).toMatch(/`node dist\/jobs\/backfill\.js --app-id 2437170` exited with status 1 \(run\.\d+, release v\d+\)/);
    expect(error.message).toContain("Steam answered 503 five times; giving up");
    expect(error.message).toContain("the next `pulumi up` runs it again for trigger tracked 2437170");
    expect(tracked.outputs).toMatchObject({ exitStatus: 1 });

    expect(await diffResource(tracked, inputs)).toMatchObject({ changes: true, replaces: [] });
    heroku.control.scriptDyno({ command, output: ["page 2 stored 40", "backfill complete"], exitStatus: 0 });
    await updateResource(tracked, inputs);
    expect(tracked.outputs).toMatchObject({ exitStatus: 0, outputTail: ["page 2 stored 40", "backfill complete"] });
    expect(heroku.state.runsOf(APP, command)).toHaveLength(2);
    expect((await diffResource(tracked, inputs)).changes).toBe(false);
  });

  it("waits for a pending release phase, and never runs beside a release that failed", async () => {
    const command = "node dist/jobs/after-config.js";
    heroku.handEdit.configVars(APP, { FEATURE: "on" });
    const pending = heroku.state.releasesOf(APP).at(-1)!;
    expect(pending.status).toBe("pending");
    const run = await createResource("oneOffRun", { app: appId, command, trigger: "1" });
    expect(run.outputs["releaseVersion"]).toBe(pending.version);
    expect(heroku.state.releasesOf(APP).find((r) => r.id === pending.id)?.status).toBe("succeeded");

    heroku.control.failNextReleasePhase({ app: APP, message: "migration 7 failed" });
    heroku.handEdit.configVars(APP, { FEATURE: "off" });
    const failedVersion = heroku.state.releasesOf(APP).at(-1)!.version;
    await expect(createResource("oneOffRun", { app: appId, command: "node never.js", trigger: "1" })).rejects.toThrow(
      new RegExp(`release v${failedVersion} of app ${APP} failed in its release phase, so the command would run on an older release`),
    );
    expect(heroku.state.runsOf(APP, "node never.js")).toEqual([]);
    heroku.handEdit.configVars(APP, { FEATURE: "on" });
    heroku.settle();
  });

  it("a start whose answer was lost is found and followed, never started twice", async () => {
    const command = "node dist/jobs/lost-answer.js";
    heroku.control.scriptDyno({ command, output: pages(3) });
    heroku.faults.inject("commit-then-drop", { method: "POST", path: "/apps/:app/dynos" });
    const run = await createResource("oneOffRun", { app: appId, command, trigger: "1" });
    expect(run.outputs).toMatchObject({ exitStatus: 0, outputTail: pages(3) });
    expect(heroku.state.runsOf(APP, command)).toHaveLength(1);
    expect(progress.some((l) => l.includes("was lost, but Heroku had started"))).toBe(true);
  });

  it("a lost start of a dyno that has already ended is found in the log, not started again", async () => {
    const command = "node dist/jobs/quick.js";
    const saved = { ...heroku.timing };
    Object.assign(heroku.timing, { dynoBoot: { ms: 0 }, dynoLine: { ms: 0 } });
    try {
      heroku.control.scriptDyno({ command, output: ["done in no time"], exitStatus: 0 });
      heroku.faults.inject("commit-then-drop", { method: "POST", path: "/apps/:app/dynos" });
      const run = await createResource("oneOffRun", { app: appId, command, trigger: "1" });
      expect(heroku.state.runsOf(APP, command)).toHaveLength(1);
      expect(run.outputs).toMatchObject({ exitStatus: 0, outputTail: ["done in no time"] });
      expect(run.outputs["dynoId"]).toBeUndefined();
    } finally {
      Object.assign(heroku.timing, saved);
    }
  });

  it("a lost start whose look into the log breaks off reads the log again, never starting a second dyno", async () => {
    const command = "node dist/jobs/quick-and-unlucky.js";
    const saved = { ...heroku.timing };
    Object.assign(heroku.timing, { dynoBoot: { ms: 0 }, dynoLine: { ms: 0 } });
    try {
      heroku.control.scriptDyno({ command, output: ["done in no time"], exitStatus: 0 });
      heroku.faults.inject("commit-then-drop", { method: "POST", path: "/apps/:app/dynos" });
      // The dyno has ended by the time it is looked for: only the log knows it started, and the first read of it breaks.
      heroku.control.cutNextLogStream({ app: APP, afterLines: 0 });
      const run = await createResource("oneOffRun", { app: appId, command, trigger: "1" });
      expect(heroku.state.runsOf(APP, command)).toHaveLength(1);
      expect(run.outputs).toMatchObject({ exitStatus: 0, outputTail: ["done in no time"] });
    } finally {
      Object.assign(heroku.timing, saved);
    }
  });

  it("a lost start whose look into the log keeps failing fails the step without starting again", async () => {
    const command = "node dist/jobs/never-twice.js";
    const saved = { ...heroku.timing };
    Object.assign(heroku.timing, { dynoBoot: { ms: 0 }, dynoLine: { ms: 0 } });
    try {
      heroku.control.scriptDyno({ command, output: ["done in no time"], exitStatus: 0 });
      heroku.faults.inject("commit-then-drop", { method: "POST", path: "/apps/:app/dynos" });
      for (let cut = 0; cut < 3; cut++) heroku.control.cutNextLogStream({ app: APP, afterLines: 0 });
      await expect(createResource("oneOffRun", { app: appId, command, trigger: "1" })).rejects.toThrow(/heroku ps -a runner-app.*could not be read to its end.*nothing was started again/s);
      expect(heroku.state.runsOf(APP, command)).toHaveLength(1);
    } finally {
      Object.assign(heroku.timing, saved);
      heroku.settle();
    }
  });

  it("a 5xx to the start is looked up, then sent again once (Heroku had not started it)", async () => {
    const command = "node dist/jobs/five-hundred.js";
    heroku.faults.inject(503, { method: "POST", path: "/apps/:app/dynos" });
    const run = await createResource("oneOffRun", { app: appId, command, trigger: "1" });
    expect(run.outputs["exitStatus"]).toBe(0);
    expect(heroku.state.runsOf(APP, command)).toHaveLength(1);
    expect(heroku.requests.filter((r) => r.method === "POST" && r.path.endsWith("/dynos")).map((r) => r.status)).toEqual([503, 201]);
  });

  it("log streams that drop mid-way, fail to connect or expire are opened again; no line is lost or repeated", async () => {
    const command = "node dist/jobs/flaky-stream.js";
    // Half-way the process waits until the provider reads a stream that stays: it is up at every break, on any machine.
    heroku.control.scriptDyno({ command, output: pages(12), lineIntervalMs: 3, holdAfterLines: 6 });
    heroku.control.cutNextLogStream({ app: APP, afterLines: 4 });
    heroku.control.cutNextLogStream({ app: APP, afterLines: 0 });
    heroku.faults.inject(503, { method: "POST", path: "/apps/:app/log-sessions" });
    heroku.faults.inject("drop", { host: "blob", method: "GET", path: "/sessions/:session" });
    const running = createResource("oneOffRun", { app: appId, command, trigger: "1" });
    const streamsServed = () => heroku.requests.filter((r) => r.host === "blob" && r.path.startsWith("/sessions/") && r.handledStatus === 200).length;
    // Two streams cut, the third open: the one that stays.
    await until(() => streamsServed() >= 3 && heroku.state.openLogStreams() === 1, "a third log stream");
    heroku.control.releaseDynos();
    const run = await running;
    expect(run.outputs).toMatchObject({ exitStatus: 0, outputTail: pages(12).slice(-8) });
    const dyno = String(run.outputs["dynoName"]);
    const printed = progress.filter((l) => l.startsWith(`heroku: ${dyno}: `)).map((l) => l.slice(`heroku: ${dyno}: `.length));
    expect(printed).toEqual(pages(12));
    // The dropped GET, the stream cut mid-way and the one cut at once: each time the dyno was up and its log read again
    // (once more if a slow machine let the last stream go quiet before the dyno went on).
    expect(progress.filter((l) => l.startsWith(`heroku: ${dyno} is up; `) && l.endsWith(", reading its log again")).length).toBeGreaterThanOrEqual(3);
    expect(heroku.state.runsOf(APP, command)).toHaveLength(1);
  });

  it("a quiet process outlasts the stream's idle timeout: the dyno is looked at and the log read again", async () => {
    const command = "node dist/jobs/quiet.js";
    process.env.FLEET_HEROKU_REQUEST_TIMEOUT_MS = "250";
    // The pause lasts until the provider has seen the stream go quiet, however long that takes here.
    heroku.control.scriptDyno({ command, output: ["before the pause", "after the pause"], holdAfterLines: 1 });
    const running = createResource("oneOffRun", { app: appId, command, trigger: "1" });
    await until(() => progress.some((l) => /is up; the log stream went quiet, reading its log again$/.test(l)), "a quiet stream");
    heroku.control.releaseDynos();
    const run = await running;
    expect(run.outputs).toMatchObject({ exitStatus: 0, outputTail: ["before the pause", "after the pause"] });
    expect(heroku.state.runsOf(APP, command)).toHaveLength(1);
  });

  it("a dyno killed for memory fails with status 137 and Heroku's reason", async () => {
    const command = "node dist/jobs/hungry.js";
    heroku.control.scriptDyno({ command, output: ["loading everything into memory"], end: "memory" });
    const { error, tracked } = await failedRun({ app: appId, command, trigger: "1" });
    expect(error.message).toContain("exited with status 137");
    expect(error.message).toContain("heroku: Error R15 (Memory quota vastly exceeded)");
    expect(tracked.outputs["outputTail"]).toEqual([
      "loading everything into memory",
      "heroku: Process running mem=1054M(205.9%)",
      "heroku: Error R15 (Memory quota vastly exceeded)",
      "heroku: Stopping process with SIGKILL",
    ]);
  });

  it("a dyno that vanishes without a logged end is a failure that says so, never a success", async () => {
    const command = "node dist/jobs/vanishing.js";
    // The stream has nothing more to say once the dyno is gone: it goes quiet, then the dyno is looked at.
    process.env.FLEET_HEROKU_REQUEST_TIMEOUT_MS = "200";
    heroku.control.scriptDyno({ command, output: ["working"], end: "vanish" });
    const { error, tracked } = await failedRun({ app: appId, command, trigger: "1" });
    expect(error.message).toContain("ended, but Heroku logged neither its exit status nor its end");
    expect(tracked.outputs).toMatchObject({ exitStatus: null, finalState: "gone" });
  });

  it("follows a run of the same command already going (an interrupted up, or someone's heroku run:detached)", async () => {
    const command = "node dist/jobs/already.js";
    // It waits after two lines until the provider follows its log: still running when the provider looks, on any machine.
    const other = heroku.seed.oneOffDyno({ app: APP, command, output: pages(5), holdAfterLines: 2 });
    const running = createResource("oneOffRun", { app: appId, command, trigger: "1" });
    await until(() => heroku.state.openLogStreams() > 0, "a log stream of the running dyno");
    heroku.control.releaseDynos();
    const run = await running;
    expect(run.outputs).toMatchObject({ dynoName: other.name, exitStatus: 0, outputTail: pages(5) });
    expect(heroku.state.runsOf(APP, command)).toHaveLength(1);
  });

  it("a dyno named like one that ended before is judged by its own lines, never by the earlier one's", async () => {
    const earlier = heroku.seed.oneOffDyno({ app: APP, command: "node dist/jobs/earlier.js", output: ["the earlier process"], exitStatus: 3, lineIntervalMs: 0 });
    heroku.settle();
    expect(heroku.state.dynosOf(APP)).toEqual([]);
    // The API gives start times to the second: the new dyno starts in a later one.
    await new Promise((resolve) => setTimeout(resolve, 1010 - (Date.now() % 1000)));
    const command = "node dist/jobs/same-name.js";
    heroku.control.nameNextDyno(earlier.name);
    heroku.control.scriptDyno({ command, output: ["this process"], exitStatus: 0 });
    const run = await createResource("oneOffRun", { app: appId, command, trigger: "1" });
    expect(run.outputs).toMatchObject({ dynoName: earlier.name, exitStatus: 0, finalState: "complete", outputTail: ["this process"] });
    expect(Date.parse(String(run.outputs["startedAt"]))).toBeGreaterThan(Date.parse(earlier.createdAt));

    // Resumed after an interrupted watch, the earlier dyno's lines are left out as well.
    const tracked: Tracked = { kind: "oneOffRun", id: String(run.outputs["dynoId"]), inputs: { app: appId, command, trigger: "1" }, outputs: { ...run.outputs, exitStatus: null, finalState: "unknown", outputTail: [] } };
    await updateResource(tracked, tracked.inputs);
    expect(tracked.outputs).toMatchObject({ dynoName: earlier.name, exitStatus: 0, outputTail: ["this process"] });
    expect(heroku.state.runsOf(APP, command)).toHaveLength(1);
  });

  it("a run whose end was not known is resumed from the log at the next up, not run again", async () => {
    const command = "node dist/jobs/resumed.js";
    const ended = heroku.seed.oneOffDyno({ app: APP, command, output: ["all done"], exitStatus: 0, lineIntervalMs: 0 });
    heroku.settle();
    expect(heroku.state.dynosOf(APP)).toEqual([]);
    const inputs = { app: appId, command, trigger: "1" };
    const tracked: Tracked = {
      kind: "oneOffRun",
      id: ended.id,
      inputs,
      outputs: { ...inputs, appId, appName: APP, dynoName: ended.name, dynoId: ended.id, exitStatus: null, finalState: "unknown", outputTail: [] },
    };
    expect((await diffResource(tracked, inputs)).changes).toBe(true);
    await updateResource(tracked, inputs);
    expect(tracked.outputs).toMatchObject({ exitStatus: 0, dynoName: ended.name, outputTail: ["all done"] });
    expect(heroku.state.runsOf(APP, command)).toHaveLength(1);
  });

  it("keeps its state small: at most 8 lines of output, each cut to 160 characters", async () => {
    const command = "node dist/jobs/chatty.js";
    const long = Array.from({ length: 30 }, (_, i) => `line ${i} ${"x".repeat(500)}`);
    heroku.control.scriptDyno({ command, output: long, lineIntervalMs: 0 });
    const run = await createResource("oneOffRun", { app: appId, command, trigger: "1" });
    const tail = run.outputs["outputTail"] as string[];
    expect(tail).toHaveLength(8);
    expect(tail[0]).toBe(long[22]!.slice(0, 160));
    expect(JSON.stringify(run.outputs).length).toBeLessThan(2_000);
  });

  it("never shows the app's config values its process prints", async () => {
    const command = "node dist/jobs/leaky.js";
    heroku.control.scriptDyno({ command, output: ["using key steam-secret-value-4242"] });
    const run = await createResource("oneOffRun", { app: appId, command, trigger: "1" });
    expect(run.outputs["outputTail"]).toEqual(["using key [redacted]"]);
    expect(progress.join("\n")).not.toContain("steam-secret-value-4242");
  });

  it("check refuses what Heroku could not run once; an app without a release refuses to start", async () => {
    const checked = await providers.oneOffRun.check?.({}, { app: appId, command: "echo a\necho b", trigger: "", timeToLiveSeconds: 90_000 });
    expect(checked?.failures?.map((f) => f.property).sort()).toEqual(["timeToLiveSeconds", "trigger"]);
    const multiLine = await providers.oneOffRun.check?.({}, { app: appId, command: "echo a\necho b", trigger: "1" });
    expect(multiLine?.failures).toEqual([{ property: "command", reason: "must be one line: Heroku runs it as a shell command line." }]);
    const empty = heroku.seed.app({ name: "never-built" });
    await expect(createResource("oneOffRun", { app: empty.id, command: "node x.js", trigger: "1" })).rejects.toThrow(/has no release yet|no release with a slug/);
  });
});
