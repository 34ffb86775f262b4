/**
 * Dynamic provider of the daily PGBackups capture of a Heroku Postgres add-on
 * (`/client/v11/databases/{addon}/transfer-schedules`, data API). Heroku keeps
 * one schedule per database and POST is an upsert, so every write is safe to
 * resend.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { herokuClient, seg, type HerokuClient } from "../client";
import { checkInputs, compact, failure, parseProps, step, unknownDiff } from "../provider-kit";

const scheduleInputs = () =>
  z.object({
    addon: z.string().min(1),
    hour: z.string(),
    timezone: z.string().min(1),
    scheduleName: z.string().min(1),
  });
export type PostgresBackupScheduleInputs = z.infer<ReturnType<typeof scheduleInputs>>;

const scheduleOutputs = () =>
  z.object({
    addon: z.string(),
    scheduleId: z.string(),
    hour: z.string(),
    timezone: z.string(),
    scheduleName: z.string(),
    retainWeeks: z.number().optional(),
    retainMonths: z.number().optional(),
  });
export type PostgresBackupScheduleOutputs = z.infer<ReturnType<typeof scheduleOutputs>>;

const transferScheduleSchema = () =>
  z.object({
    uuid: z.string(),
    name: z.string(),
    hour: z.union([z.number(), z.string()]).transform((h) => String(h).padStart(2, "0")),
    timezone: z.string(),
    retain_weeks: z.number().nullish(),
    retain_months: z.number().nullish(),
  });
type TransferSchedule = z.infer<ReturnType<typeof transferScheduleSchema>>;

export const pgBackupScheduleProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: unknown) {
    return checkInputs(scheduleInputs(), news, (inputs) => {
      const failures: pulumi.dynamic.CheckFailure[] = [];
      if (!/^([01][0-9]|2[0-3])$/.test(inputs.hour)) failures.push(failure("hour", `"${inputs.hour}" is not an hour: use "00" to "23".`));
      if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(inputs.timezone)) {
        failures.push(failure("timezone", `"${inputs.timezone}" is not a time zone name such as UTC or Europe/Paris.`));
      }
      if (!/^[A-Z][A-Z0-9_]*_URL$/.test(inputs.scheduleName)) {
        failures.push(failure("scheduleName", `"${inputs.scheduleName}" must name the attachment's variable, e.g. DATABASE_URL.`));
      }
      return failures;
    });
  },

  async diff(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const pending = unknownDiff(newInputs, ["addon"]);
    if (pending) return pending;
    const olds = parseProps("PostgresBackupSchedule", scheduleOutputs(), oldOutputs);
    const news = parseProps("PostgresBackupSchedule", scheduleInputs(), newInputs);
    const replaces = news.addon !== olds.addon ? ["addon"] : [];
    const changes = replaces.length > 0 || news.hour !== olds.hour || news.timezone !== olds.timezone || news.scheduleName !== olds.scheduleName;
    return { changes, replaces };
  },

  async create(rawInputs: unknown) {
    const inputs = parseProps("PostgresBackupSchedule", scheduleInputs(), rawInputs);
    const api = herokuClient();
    const outs = await step(`Scheduling backups of ${inputs.addon} at ${inputs.hour}:00 ${inputs.timezone}`, () => upsertSchedule(api, inputs));
    return { id: outs.scheduleId, outs };
  },

  async read(id: string, props: unknown) {
    const olds = parseProps("PostgresBackupSchedule", scheduleOutputs().partial(), props);
    if (!olds.addon) return { id: "" };
    const addon = olds.addon;
    const api = herokuClient();
    const schedules = await step(`Reading backup schedules of ${addon}`, () => listSchedules(api, addon));
    const found = schedules?.find((s) => s.uuid === id) ?? schedules?.find((s) => s.name === olds.scheduleName);
    return found ? { id: found.uuid, props: scheduleOuts(addon, found) } : { id: "" };
  },

  async update(_id: string, _olds: unknown, newInputs: unknown) {
    const news = parseProps("PostgresBackupSchedule", scheduleInputs(), newInputs);
    const api = herokuClient();
    return { outs: await step(`Rescheduling backups of ${news.addon}`, () => upsertSchedule(api, news)) };
  },

  async delete(id: string, props: unknown) {
    const olds = parseProps("PostgresBackupSchedule", scheduleOutputs().partial(), props);
    if (!olds.addon) return;
    const addon = olds.addon;
    const api = herokuClient();
    await step(`Unscheduling backups of ${addon}`, () =>
      api.remove(`/client/v11/databases/${seg(addon)}/transfer-schedules/${seg(id)}`, { host: "data" }),
    );
  },
};

async function upsertSchedule(api: HerokuClient, inputs: PostgresBackupScheduleInputs): Promise<PostgresBackupScheduleOutputs> {
  await api.request("POST", `/client/v11/databases/${seg(inputs.addon)}/transfer-schedules`, {
    host: "data",
    body: { hour: inputs.hour, timezone: inputs.timezone, schedule_name: inputs.scheduleName },
    schema: z.unknown(),
    idempotent: true,
    hint: "PGBackups schedules need a Heroku Postgres add-on (not another service).",
  });
  const schedules = (await listSchedules(api, inputs.addon)) ?? [];
  const found = schedules.find((s) => s.name === inputs.scheduleName) ?? schedules[0];
  if (!found) throw new Error(`Heroku accepted the backup schedule of ${inputs.addon} but does not list it.`);
  return scheduleOuts(inputs.addon, found);
}

async function listSchedules(api: HerokuClient, addon: string): Promise<TransferSchedule[] | undefined> {
  return api.find(`/client/v11/databases/${seg(addon)}/transfer-schedules`, z.array(transferScheduleSchema()), { host: "data" });
}

function scheduleOuts(addon: string, schedule: TransferSchedule): PostgresBackupScheduleOutputs {
  return compact({
    addon,
    scheduleId: schedule.uuid,
    hour: schedule.hour,
    timezone: schedule.timezone,
    scheduleName: schedule.name,
    retainWeeks: schedule.retain_weeks ?? undefined,
    retainMonths: schedule.retain_months ?? undefined,
  });
}
