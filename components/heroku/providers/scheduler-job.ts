/**
 * Dynamic provider of a Heroku Scheduler job.
 *
 * RISK: Heroku publishes no API for Scheduler. This talks to the Dashboard's
 * own back end (particleboard.heroku.com, JSON:API), as the Dashboard and the
 * herokux Terraform provider do. It is undocumented, outside Heroku's API
 * compatibility policy and may change without notice; its rate-limit
 * accounting is unknown. The provider therefore tolerates what the back end
 * is known to do: there is no single-job GET (read lists and filters; a job
 * missing from the list is gone), dyno sizes come back capitalised
 * (`Standard-1X`) and are compared case-insensitively, numbers may come back
 * as strings. If this breaks, the fallback is a `clock` process in the
 * Procfile (Heroku's recommended alternative), managed by Formation.
 *
 * Paths use the app's UUID (pass `App.appId`). The `scheduler:standard`
 * add-on must exist first. A job of the same command, size and schedule
 * already on the app (left by a create that failed after the back end had
 * made it) is taken back instead of scheduled twice.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { herokuClient, herokuStats, seg, type HerokuClient } from "../client";
import { isGone, isRejected } from "../errors";
import { checkInputs, failure, isUuid, parseProps, step, unknownDiff } from "../provider-kit";

const schedulerInputs = () =>
  z.object({
    app: z.string().min(1),
    command: z.string().min(1),
    dynoSize: z.string().min(1),
    every: z.union([z.literal(10), z.literal(60), z.literal(1440)]),
    at: z.number().int().min(0).default(0),
  });
export type SchedulerJobInputs = z.infer<ReturnType<typeof schedulerInputs>>;

const schedulerOutputs = () =>
  z.object({
    app: z.string(),
    jobId: z.string(),
    command: z.string(),
    dynoSize: z.string(),
    every: z.number(),
    at: z.number(),
  });
export type SchedulerJobOutputs = z.infer<ReturnType<typeof schedulerOutputs>>;

const numeric = () => z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

/** One job as the back end answers it (`{data: job}` or an item of `{data: [job]}`). */
const jobSchema = () =>
  z.object({
    id: z.union([z.string(), z.number().transform(String)]),
    type: z.string().optional(),
    attributes: z.object({ command: z.string(), "dyno-size": z.string(), every: numeric(), at: numeric() }),
  });
type JobBody = z.infer<ReturnType<typeof jobSchema>>;

const SIZES = ["Eco", "Basic", "Standard-1X", "Standard-2X", "Performance-M", "Performance-L", "Performance-L-RAM", "Performance-XL", "Performance-2XL"];

/** `standard-1x` → `Standard-1X` (the back end wants the Dashboard's spelling); unknown sizes pass as given. */
export function schedulerDynoSize(size: string): string {
  return SIZES.find((known) => known.toLowerCase() === size.toLowerCase()) ?? size;
}

/** Why `at` does not fit `every`, or undefined. */
export function scheduleProblem(every: number, at: number): string | undefined {
  if (every === 10 && at !== 0) return "a job every 10 minutes has no start time: use at 0.";
  if (every === 60 && (at % 10 !== 0 || at > 50)) return `hourly jobs start at 0, 10, 20, 30, 40 or 50 minutes past the hour (got ${at}).`;
  if (every === 1440 && (at % 30 !== 0 || at > 1410)) {
    return `daily jobs start at a multiple of 30 minutes after 00:00 UTC, 0–1410 (got ${at}; 05:30 UTC is 330).`;
  }
  return undefined;
}

export const schedulerJobProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: unknown) {
    return checkInputs(schedulerInputs(), news, (inputs, unknownKeys) => {
      const failures: pulumi.dynamic.CheckFailure[] = [];
      if (!unknownKeys.has("app") && !isUuid(inputs.app)) {
        failures.push(failure("app", `"${inputs.app}" is not an app UUID: Heroku Scheduler's back end needs the UUID (pass App.appId).`));
      }
      const problem = scheduleProblem(inputs.every, inputs.at);
      if (problem) failures.push(failure("at", problem));
      return failures;
    });
  },

  async diff(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const pending = unknownDiff(newInputs, ["app"]);
    if (pending) return pending;
    const olds = parseProps("SchedulerJob", schedulerOutputs(), oldOutputs);
    const news = parseProps("SchedulerJob", schedulerInputs(), newInputs);
    const replaces = news.app !== olds.app ? ["app"] : [];
    const changes =
      replaces.length > 0 ||
      news.command !== olds.command ||
      news.dynoSize.toLowerCase() !== olds.dynoSize.toLowerCase() ||
      news.every !== olds.every ||
      news.at !== olds.at;
    return { changes, replaces };
  },

  async create(rawInputs: unknown) {
    const inputs = parseProps("SchedulerJob", schedulerInputs(), rawInputs);
    const api = herokuClient();
    const job = await step(`Scheduling "${inputs.command}" on app ${inputs.app}`, async () => {
      // The back end never refuses a second identical job: a job an earlier create made before it failed
      // (an answer lost and its lookup failing, a crash) is found here and taken back, not doubled.
      const left = (await listJobs(api, inputs.app))?.find((job) => sameSchedule(job, inputs));
      if (left) {
        herokuStats().takeBacks++;
        api.log.info(`scheduler job "${inputs.command}" already existed on app ${inputs.app} with this schedule; taking it back`);
        return left;
      }
      return api.request("POST", `/apps/${seg(inputs.app)}/jobs`, {
        host: "scheduler",
        body: { data: { type: "jobs", attributes: attributes(inputs) } },
        schema: z.object({ data: jobSchema() }).transform((body) => body.data),
        recover: async () => (await listJobs(api, inputs.app))?.find((job) => sameSchedule(job, inputs)),
        hint: "The app needs the scheduler:standard add-on first.",
      });
    });
    return { id: job.id, outs: jobOuts(inputs.app, job) };
  },

  async read(id: string, props: unknown) {
    const olds = parseProps("SchedulerJob", schedulerOutputs().partial(), props);
    if (olds.app === undefined) return { id: "" };
    const app = olds.app;
    const api = herokuClient();
    const job = await step(`Reading scheduler job ${id} of app ${app}`, async () => (await listJobs(api, app))?.find((j) => j.id === id));
    return job ? { id: job.id, props: jobOuts(app, job) } : { id: "" };
  },

  async update(id: string, oldOutputs: unknown, newInputs: unknown) {
    const olds = parseProps("SchedulerJob", schedulerOutputs(), oldOutputs);
    const news = parseProps("SchedulerJob", schedulerInputs(), newInputs);
    const api = herokuClient();
    const job = await step(`Updating scheduler job "${olds.command}" on app ${olds.app}`, () =>
      api.request("PATCH", `/apps/${seg(olds.app)}/jobs/${seg(id)}`, {
        host: "scheduler",
        body: { data: { id, type: "jobs", attributes: attributes(news) } },
        schema: z.object({ data: jobSchema() }).transform((body) => body.data),
      }),
    );
    return { outs: jobOuts(olds.app, job) };
  },

  async delete(id: string, props: unknown) {
    const olds = parseProps("SchedulerJob", schedulerOutputs().partial(), props);
    if (olds.app === undefined) return;
    const app = olds.app;
    const api = herokuClient();
    await step(`Deleting scheduler job ${id} of app ${app}`, () => api.remove(`/apps/${seg(app)}/jobs/${seg(id)}`, { host: "scheduler" }));
  },
};

/** The app's jobs; `undefined` when the app is gone (404) or has no Scheduler add-on any more (422). */
async function listJobs(api: HerokuClient, app: string): Promise<JobBody[] | undefined> {
  try {
    const body = await api.get(`/apps/${seg(app)}/jobs`, z.object({ data: z.array(jobSchema()) }), { host: "scheduler" });
    return body.data;
  } catch (error) {
    if (isGone(error) || isRejected(error)) return undefined;
    throw error;
  }
}

function attributes(inputs: SchedulerJobInputs): Record<string, string | number> {
  return { command: inputs.command, "dyno-size": schedulerDynoSize(inputs.dynoSize), every: inputs.every, at: inputs.at };
}

function sameSchedule(job: JobBody, inputs: SchedulerJobInputs): boolean {
  const a = job.attributes;
  return a.command === inputs.command && a.every === inputs.every && a.at === inputs.at && a["dyno-size"].toLowerCase() === inputs.dynoSize.toLowerCase();
}

function jobOuts(app: string, job: JobBody): SchedulerJobOutputs {
  const a = job.attributes;
  return { app, jobId: job.id, command: a.command, dynoSize: a["dyno-size"], every: a.every, at: a.at };
}
