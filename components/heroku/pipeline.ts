import * as pulumi from "@pulumi/pulumi";
import { HerokuResource } from "./heroku-resource";

/** A Heroku pipeline. */
export interface PipelineArgs {
  /** Pipeline name, 3–30 lowercase letters, digits and dashes; renamed in place. @example "shop" */
  readonly name: pulumi.Input<string>;
  /** Owner; a change replaces the pipeline. @default undefined (the token's user) @example { id: "<team uuid>", type: "team" } */
  readonly owner?: pulumi.Input<{ readonly id: pulumi.Input<string>; readonly type: pulumi.Input<"team" | "user"> }>;
}

/**
 * A pipeline (staging → production promotion).
 *
 * @example
 * const pipeline = new Pipeline("shop-pipeline", { name: "shop" });
 */
export class Pipeline extends HerokuResource {
  /** Heroku's UUID of the pipeline (pass it to PipelineCoupling). */
  declare readonly pipelineId: pulumi.Output<string>;
  /** Its name. */
  declare readonly name: pulumi.Output<string>;

  constructor(name: string, args: PipelineArgs, opts?: pulumi.CustomResourceOptions) {
    super("pipeline", "Pipeline", name, { ...args, pipelineId: undefined, owner: args.owner }, opts);
  }
}
