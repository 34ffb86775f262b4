import * as pulumi from "@pulumi/pulumi";
import { HerokuResource } from "./heroku-resource";

/** The daily PGBackups capture of a Postgres add-on. */
export interface PostgresBackupScheduleArgs {
  /** The Postgres add-on: UUID (`Addon.addonId`) or global name. */
  readonly addon: pulumi.Input<string>;
  /** Hour of the capture, "00"–"23". @example "02" */
  readonly hour: pulumi.Input<string>;
  /** Full time zone name. @example "UTC" */
  readonly timezone: pulumi.Input<string>;
  /** The attachment's variable whose database is captured. @example "DATABASE_URL" */
  readonly scheduleName: pulumi.Input<string>;
}

/**
 * A daily backup schedule (free; retention depends on the plan).
 *
 * @example
 * new PostgresBackupSchedule("shop-backups", { addon: db.addonId, hour: "02", timezone: "UTC", scheduleName: "DATABASE_URL" });
 */
export class PostgresBackupSchedule extends HerokuResource {
  /** Heroku's UUID of the schedule. */
  declare readonly scheduleId: pulumi.Output<string>;
  /** Weeks of daily backups kept (from Heroku). */
  declare readonly retainWeeks: pulumi.Output<number | undefined>;
  /** Months of weekly backups kept (from Heroku). */
  declare readonly retainMonths: pulumi.Output<number | undefined>;

  constructor(name: string, args: PostgresBackupScheduleArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "pgBackupSchedule",
      "PostgresBackupSchedule",
      name,
      { ...args, scheduleId: undefined, retainWeeks: undefined, retainMonths: undefined },
      opts,
    );
  }
}
