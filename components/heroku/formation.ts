import * as pulumi from "@pulumi/pulumi";
import { HerokuResource } from "./heroku-resource";

/** Size and quantity of one process type. */
export interface ProcessFormation {
  /** Dynos to run; 0 stops the type. */
  readonly quantity: number;
  /** Dyno size, any case. Eco/Basic allow quantity 1; tiers cannot be mixed. ≈ $/month each: eco 5 (shared hours), basic 7, standard-1X 25, standard-2X 50, performance-M 250. @example "standard-1X" */
  readonly size: string;
}

/** The dynos of an app. */
export interface FormationArgs {
  /** The app: UUID (`App.appId`) or name. */
  readonly app: pulumi.Input<string>;
  /** Process type (from the Procfile) → size and quantity. Types left out are not touched. @example { web: { size: "standard-1X", quantity: 2 }, worker: { size: "standard-1X", quantity: 1 } } */
  readonly processes: pulumi.Input<Record<string, pulumi.Input<ProcessFormation>>>;
}

/**
 * An app's formation, scaled in one batch. Depend on the app's Build: a
 * process type exists only once a release defines it.
 *
 * @example
 * new Formation("shop-formation", { app: app.appId, processes: { web: { size: "basic", quantity: 1 } } }, { dependsOn: [build] });
 */
export class Formation extends HerokuResource {
  /** Live size and quantity of the declared process types. */
  declare readonly processes: pulumi.Output<Record<string, ProcessFormation>>;

  constructor(name: string, args: FormationArgs, opts?: pulumi.CustomResourceOptions) {
    super("formation", "Formation", name, { ...args }, opts);
  }
}
