/** SchedulerJob provider against the double's particleboard (JSON:API, app UUIDs, no single-job GET). */
import { describe, expect, it } from "vitest";
import { herokuStats, resetHerokuStats } from "../../components/heroku/client";
import { providers } from "../../components/heroku/providers/index";
import type { HerokuDouble } from "../heroku-double/index";
import { checkFailures, createResource, diffResource, readResource, structProblems, updateResource } from "./scenario";
import { useHerokuDouble } from "./use-heroku-double";

let heroku: HerokuDouble;
let appId = "";
useHerokuDouble((h) => {
  heroku = h;
  appId = h.seed.app({ name: "cron-app" }).id;
  h.seed.addon({ app: "cron-app", plan: "scheduler:standard" });
});

describe("SchedulerJob", () => {
  it("check wants the app UUID and a start time that fits the interval", async () => {
    const failures = await checkFailures("schedulerJob", { app: "cron-app", command: "x", dynoSize: "basic", every: 60, at: 15 });
    expect(failures.map((f) => f.property)).toEqual(["app", "at"]);
    expect(failures[0]?.reason).toMatch(/needs the UUID \(pass App\.appId\)/);
    expect(await checkFailures("schedulerJob", { app: appId, command: "x", dynoSize: "basic", every: 1440, at: 330 })).toEqual([]);
    expect(await checkFailures("schedulerJob", { app: appId, command: "x", dynoSize: "basic", every: 30 })).toHaveLength(1);
  });

  it("creates with JSON:API, reads by listing, updates in place, deletes; sizes compare case-insensitively", async () => {
    const inputs = { app: appId, command: "node jobs/pipeline.js", dynoSize: "standard-1x", every: 60, at: 10 };
    const job = await createResource("schedulerJob", inputs);
    const post = heroku.requests.find((r) => r.method === "POST");
    expect(post?.headers["content-type"]).toBe("application/vnd.api+json");
    expect(post?.body).toEqual({ data: { type: "jobs", attributes: { command: "node jobs/pipeline.js", "dyno-size": "Standard-1X", every: 60, at: 10 } } });
    expect(structProblems(job.outputs)).toEqual([]);
    expect(job.outputs).toEqual({ app: appId, jobId: job.id, command: "node jobs/pipeline.js", dynoSize: "Standard-1X", every: 60, at: 10 });
    expect(await readResource(job)).toEqual({ id: job.id, props: job.outputs });
    expect((await diffResource(job, inputs)).changes).toBe(false);
    expect(await diffResource(job, { ...inputs, every: 1440, at: 330 })).toMatchObject({ changes: true, replaces: [] });
    await updateResource(job, { ...inputs, every: 1440, at: 330 });
    expect(heroku.state.schedulerJobsOf("cron-app")).toMatchObject([{ every: 1440, at: 330 }]);

    heroku.handEdit.schedulerJob(job.id, { command: "node hand-edited.js" });
    const drift = await readResource(job);
    expect(drift.props["command"]).toBe("node hand-edited.js");
    job.outputs = drift.props;
    expect((await diffResource(job, { ...inputs, every: 1440, at: 330 })).changes).toBe(true);

    await providers.schedulerJob.delete?.(job.id, job.outputs);
    expect(heroku.state.schedulerJobsOf("cron-app")).toHaveLength(0);
    expect((await readResource(job)).id).toBe("");
    await expect(providers.schedulerJob.delete?.(job.id, job.outputs)).resolves.toBeUndefined();
  });

  it("resumes a job whose answer was lost (matched by command and schedule)", async () => {
    heroku.faults.inject("commit-then-drop", { host: "scheduler", method: "POST" });
    await createResource("schedulerJob", { app: appId, command: "node nightly.js", dynoSize: "Basic", every: 1440, at: 0 });
    expect(heroku.state.schedulerJobsOf("cron-app").filter((j) => j.command === "node nightly.js")).toHaveLength(1);
  });

  it("takes back, once, a job of the same command, size and schedule already on the app (left by a create that failed)", async () => {
    const orphan = heroku.seed.schedulerJob({ app: "cron-app", command: "node weekly.js", dynoSize: "Basic", every: 1440, at: 60 });
    const weekly = () => heroku.state.schedulerJobsOf("cron-app").filter((j) => j.command === "node weekly.js");
    resetHerokuStats();
    const job = await createResource("schedulerJob", { app: appId, command: "node weekly.js", dynoSize: "basic", every: 1440, at: 60 });
    expect(job.id).toBe(orphan.id);
    expect(weekly()).toHaveLength(1);
    expect(herokuStats().takeBacks).toBe(1);
    expect(heroku.requests.filter((r) => r.method === "POST")).toHaveLength(0);

    // Another schedule of the same command is another job.
    await createResource("schedulerJob", { app: appId, command: "node weekly.js", dynoSize: "basic", every: 1440, at: 90 });
    expect(weekly()).toHaveLength(2);
  });

  it("converges after a create whose answer was lost and whose lookup kept failing", async () => {
    const inputs = { app: appId, command: "node monthly.js", dynoSize: "basic", every: 1440, at: 120 };
    const monthly = () => heroku.state.schedulerJobsOf("cron-app").filter((j) => j.command === "node monthly.js");
    heroku.faults.inject("commit-then-drop", { host: "scheduler", method: "POST", times: 1 });
    heroku.faults.inject(503, { host: "scheduler", method: "GET", skip: 1, times: 100 });
    await expect(createResource("schedulerJob", inputs)).rejects.toThrow(/got no answer.*looking it up to resume failed: .*answered 503/s);
    expect(monthly()).toHaveLength(1);

    heroku.faults.clear();
    await createResource("schedulerJob", inputs);
    expect(monthly()).toHaveLength(1);
  });

  it("reads a job as gone once the Scheduler add-on is removed", async () => {
    const id = heroku.seed.app({ name: "cron-gone" }).id;
    const scheduler = heroku.seed.addon({ app: "cron-gone", plan: "scheduler:standard" });
    const job = await createResource("schedulerJob", { app: id, command: "x", dynoSize: "Eco", every: 10 });
    heroku.handEdit.deleteAddon(scheduler.id);
    expect((await readResource(job)).id).toBe("");
  });
});
