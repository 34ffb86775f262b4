import * as pulumi from "@pulumi/pulumi";
import { HerokuResource } from "./heroku-resource";

/** A Heroku Scheduler job (needs the `scheduler:standard` add-on; each run is a billed one-off dyno). */
export interface SchedulerJobArgs {
  /** The app's UUID (`App.appId`): Scheduler's back end accepts nothing else. A change replaces the job. */
  readonly app: pulumi.Input<string>;
  /** The command, run in a one-off dyno. @example "node dist/jobs/pipeline.js" */
  readonly command: pulumi.Input<string>;
  /** One-off dyno size, any case (sent as the Dashboard spells it). @example "Standard-1X" */
  readonly dynoSize: pulumi.Input<string>;
  /** Minutes between runs: 10, 60 or 1440. */
  readonly every: pulumi.Input<10 | 60 | 1440>;
  /** Start: 0 for every 10 minutes; minutes past the hour (0, 10…50) for hourly; minutes after 00:00 UTC in steps of 30 (0–1410) for daily. @default 0 @example 330 (05:30 UTC daily) */
  readonly at?: pulumi.Input<number>;
}

/**
 * A scheduled job. Heroku offers no public Scheduler API: this uses the
 * Dashboard's back end (see providers/scheduler-job.ts for the risk).
 *
 * @example
 * new SchedulerJob("reviews-pipeline", { app: app.appId, command: "npm run pipeline", dynoSize: "Standard-1X", every: 60, at: 0 }, { dependsOn: [scheduler] });
 */
export class SchedulerJob extends HerokuResource {
  /** The job's id in Scheduler. */
  declare readonly jobId: pulumi.Output<string>;
  /** Dyno size as Scheduler reports it. */
  declare readonly dynoSize: pulumi.Output<string>;

  constructor(name: string, args: SchedulerJobArgs, opts?: pulumi.CustomResourceOptions) {
    super("schedulerJob", "SchedulerJob", name, { ...args, jobId: undefined }, opts);
  }
}
