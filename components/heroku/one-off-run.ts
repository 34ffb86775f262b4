import * as pulumi from "@pulumi/pulumi";
import { HerokuResource } from "./heroku-resource";

/** A command run once in a one-off dyno. */
export interface OneOffRunArgs {
  /** The app: UUID (`App.appId`, preferred) or name. A change runs the command again there. */
  readonly app: pulumi.Input<string>;
  /** One shell command line, run on the app's released slug. A change runs it again. @example "node dist/jobs/backfill.js --app-id 3228590" */
  readonly command: pulumi.Input<string>;
  /**
   * Why it runs: the command runs once per trigger. The same trigger never
   * runs it again; a new one does. @example "tracked 3228590"
   */
  readonly trigger: pulumi.Input<string>;
  /** One-off dyno size, any case; billed per second while it runs. @default Heroku's default (standard-1X) @example "basic" */
  readonly size?: pulumi.Input<string>;
  /** Heroku kills the dyno after this long (60–86,400 s). @default 14400 (4 hours) */
  readonly timeToLiveSeconds?: pulumi.Input<number>;
}

/**
 * Runs a command once, in a detached one-off dyno, after the release it
 * needs (depend on the app's Build). `pulumi up` waits for the process to
 * end, shows its output as it goes, and fails with the exit status and the
 * output's tail when it is not 0. Deleting it undoes nothing.
 *
 * @example
 * new OneOffRun("reviews-backfill-3228590", {
 *   app: app.appId,
 *   command: "node dist/jobs/backfill.js --app-id 3228590",
 *   trigger: "tracked 3228590",
 * }, { dependsOn: [build, configVars] });
 */
export class OneOffRun extends HerokuResource {
  /** The dyno that ran it (`run.4520`). */
  declare readonly dynoName: pulumi.Output<string>;
  /** Its process's exit status (0: succeeded). */
  declare readonly exitStatus: pulumi.Output<number>;
  /** The release it ran on. */
  declare readonly releaseVersion: pulumi.Output<number>;
  /** The last lines it printed (at most 8). */
  declare readonly outputTail: pulumi.Output<string[]>;

  constructor(name: string, args: OneOffRunArgs, opts?: pulumi.CustomResourceOptions) {
    super("oneOffRun", "OneOffRun", name, { ...args, dynoName: undefined, exitStatus: undefined, releaseVersion: undefined, outputTail: undefined }, opts);
  }
}
