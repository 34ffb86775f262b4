import * as pulumi from "@pulumi/pulumi";
import { HerokuResource } from "./heroku-resource";

/** An app's stage in a pipeline. */
export interface PipelineCouplingArgs {
  /** The app: UUID (`App.appId`) or name. A change replaces the coupling. */
  readonly app: pulumi.Input<string>;
  /** The pipeline's UUID (`Pipeline.pipelineId`). A change replaces the coupling. */
  readonly pipeline: pulumi.Input<string>;
  /** The stage, changed in place. */
  readonly stage: pulumi.Input<"staging" | "production" | "development" | "review" | "test">;
}

/**
 * Puts an app in a pipeline stage.
 *
 * @example
 * new PipelineCoupling("shop-staging", { app: staging.appId, pipeline: pipeline.pipelineId, stage: "staging" });
 */
export class PipelineCoupling extends HerokuResource {
  /** Heroku's UUID of the coupling. */
  declare readonly couplingId: pulumi.Output<string>;
  /** The stage. */
  declare readonly stage: pulumi.Output<string>;

  constructor(name: string, args: PipelineCouplingArgs, opts?: pulumi.CustomResourceOptions) {
    super("pipelineCoupling", "PipelineCoupling", name, { ...args, couplingId: undefined }, opts);
  }
}
