/**
 * Heroku Scheduler's dashboard back end (particleboard), JSON:API flavoured:
 * `/apps/{app UUID}/jobs` — an app name is a 404 — and only for apps with a
 * provisioned `scheduler:*` add-on.
 */
import { ApiError, invalidParams, notFound } from "../errors";
import { isObject, objectBody } from "../http/body";
import { json, type Router } from "../http/router";
import { isUuid, type AppRecord, type SchedulerJobRecord, type World } from "../state";

export const SCHEDULER_DYNO_SIZES = [
  "Eco",
  "Basic",
  "Standard-1X",
  "Standard-2X",
  "Performance-M",
  "Performance-L",
  "Performance-L-RAM",
  "Performance-XL",
  "Performance-2XL",
  "Private-S",
  "Private-M",
  "Private-L",
  "Shield-S",
  "Shield-M",
  "Shield-L",
] as const;

export interface JobAttributes {
  command: string;
  dynoSize: string;
  every: number;
  at: number;
}

function validAt(every: number, at: number): boolean {
  if (every === 10) return at === 0;
  if (every === 60) return at >= 0 && at <= 50 && at % 10 === 0;
  return at >= 0 && at <= 1410 && at % 30 === 0;
}

export function validateJob(job: JobAttributes): void {
  const problems: string[] = [];
  if (job.command.trim() === "") problems.push("command can't be blank");
  if (!(SCHEDULER_DYNO_SIZES as readonly string[]).includes(job.dynoSize)) {
    problems.push(`dyno-size must be one of ${SCHEDULER_DYNO_SIZES.join(", ")} (case-sensitive)`);
  }
  if (![10, 60, 1440].includes(job.every)) problems.push("every must be 10, 60 or 1440");
  else if (!Number.isInteger(job.at) || !validAt(job.every, job.at)) {
    problems.push(
      job.every === 10 ? "at must be 0 for jobs every 10 minutes" : job.every === 60 ? "at must be 0, 10, 20, 30, 40 or 50" : "at must be 0-1410 in steps of 30",
    );
  }
  if (problems.length > 0) throw invalidParams(problems.join("; "));
}

/** The app behind a particleboard path: UUID only, with Scheduler provisioned. */
export function schedulerApp(world: World, uuid: string): AppRecord {
  const app = isUuid(uuid) ? world.apps.get(uuid) : undefined;
  if (!app) throw notFound("Couldn't find that app.");
  const scheduler = [...world.addons.values()].find((a) => a.appId === app.id && a.service === "scheduler");
  if (!scheduler || scheduler.state !== "provisioned") {
    throw invalidParams(`Heroku Scheduler is not provisioned on ${app.name}; add scheduler:standard first.`);
  }
  return app;
}

export function createJob(world: World, app: AppRecord, attributes: JobAttributes): SchedulerJobRecord {
  validateJob(attributes);
  const now = world.now();
  const job: SchedulerJobRecord = { id: world.uuid(), appId: app.id, ...attributes, createdAt: now, updatedAt: now };
  world.schedulerJobs.set(job.id, job);
  return job;
}

export function renderJob(job: SchedulerJobRecord): Record<string, unknown> {
  return {
    id: job.id,
    type: "jobs",
    attributes: {
      at: job.at,
      command: job.command,
      "created-at": job.createdAt,
      "dyno-size": job.dynoSize,
      every: job.every,
      "expire-after": null,
      "ran-at": null,
      "updated-at": job.updatedAt,
    },
  };
}

function readData(body: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const data = body["data"];
  if (!isObject(data)) throw invalidParams("The request must carry a JSON:API document with a data object.");
  if (data["type"] !== "jobs") throw invalidParams('data.type must be "jobs".');
  return data;
}

function readAttributes(data: Readonly<Record<string, unknown>>, base?: JobAttributes): JobAttributes {
  const raw = data["attributes"];
  if (!isObject(raw)) throw invalidParams("data.attributes is required.");
  const pick = <T>(key: string, check: (v: unknown) => v is T, fallback: T | undefined): T => {
    const value = raw[key];
    if (value === undefined && fallback !== undefined) return fallback;
    if (!check(value)) throw invalidParams(`attributes.${key} is missing or has the wrong type.`);
    return value;
  };
  const isString = (v: unknown): v is string => typeof v === "string";
  const isNumber = (v: unknown): v is number => typeof v === "number";
  return {
    command: pick("command", isString, base?.command),
    dynoSize: pick("dyno-size", isString, base?.dynoSize),
    every: pick("every", isNumber, base?.every),
    at: pick("at", isNumber, base?.at ?? 0),
  };
}

function findJob(world: World, app: AppRecord, id: string): SchedulerJobRecord {
  const job = world.schedulerJobs.get(id);
  if (!job || job.appId !== app.id) throw notFound("Couldn't find that job.");
  return job;
}

export function schedulerRoutes(router: Router): void {
  router
    .get("/apps/:app/jobs", (ctx) => {
      const app = schedulerApp(ctx.world, ctx.params["app"] ?? "");
      const jobs = [...ctx.world.schedulerJobs.values()].filter((j) => j.appId === app.id);
      return json(200, { data: jobs.map(renderJob) });
    })
    .post("/apps/:app/jobs", (ctx) => {
      const app = schedulerApp(ctx.world, ctx.params["app"] ?? "");
      const job = createJob(ctx.world, app, readAttributes(readData(objectBody(ctx))));
      return json(201, { data: renderJob(job) });
    })
    .patch("/apps/:app/jobs/:job", (ctx) => {
      const app = schedulerApp(ctx.world, ctx.params["app"] ?? "");
      const job = findJob(ctx.world, app, ctx.params["job"] ?? "");
      const data = readData(objectBody(ctx));
      const id = data["id"];
      if (id !== undefined && id !== job.id && id !== app.id) {
        throw new ApiError(409, "conflict", "data.id does not match the job in the URL.");
      }
      const next = readAttributes(data, job);
      validateJob(next);
      Object.assign(job, next, { updatedAt: ctx.world.now() });
      return json(200, { data: renderJob(job) });
    })
    .delete("/apps/:app/jobs/:job", (ctx) => {
      const app = schedulerApp(ctx.world, ctx.params["app"] ?? "");
      const job = findJob(ctx.world, app, ctx.params["job"] ?? "");
      ctx.world.schedulerJobs.delete(job.id);
      return { status: 204 };
    });
}
