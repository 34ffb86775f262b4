import * as pulumi from "@pulumi/pulumi";
import { HerokuResource } from "./heroku-resource";

/** A Heroku pipeline. */
export interface PipelineArgs {
  /** Pipeline name, 3–30 lowercase letters, digits and dashes; renamed in place. @example "shop" */
  readonly name: pulumi.Input<string>;
  /** Owner; a change replaces the pipeline. @default undefined (the token's user) @example { id: "<team uuid>", type: "team" } */
  readonly owner?: pulumi.Input<{ readonly id: pulumi.Input<string>; readonly type: pulumi.Input<"team" | "user"> }>;
  /**
   * An app fleet adopted: when it is already in a pipeline, that pipeline is
   * adopted as it is (never renamed or deleted) instead of making this one.
   * @default undefined (always make the pipeline)
   */
  readonly adoptFromApp?: pulumi.Input<string>;
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
  /** It existed before fleet and was adopted with its app. */
  declare readonly adopted: pulumi.Output<boolean | undefined>;

  constructor(name: string, args: PipelineArgs, opts?: pulumi.CustomResourceOptions) {
    super("pipeline", "Pipeline", name, { ...args, pipelineId: undefined, owner: args.owner, adopted: undefined }, opts);
  }
}
