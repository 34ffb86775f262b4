import * as pulumi from "@pulumi/pulumi";
import { HerokuResource } from "./heroku-resource";
import { withSecretOutputs } from "./resource-options";

/** An add-on billed to an app. */
export interface AddonArgs {
  /** The billing app: its UUID (`App.appId`, preferred) or name. A change replaces the add-on. */
  readonly app: pulumi.Input<string>;
  /** `service:plan`. Another plan of the same service changes in place; another service replaces it. Prices per month vary by plan. @example "heroku-postgresql:essential-0" (≈ $5/month) */
  readonly plan: pulumi.Input<string>;
  /** Globally unique add-on name; renamed in place. @default undefined (Heroku generates one, e.g. postgresql-curved-12345) */
  readonly name?: pulumi.Input<string>;
  /** Name of its attachment on the billing app, which names its vars (`<NAME>_URL`); a change replaces the add-on. @default undefined (the service's default, e.g. DATABASE) */
  readonly attachmentName?: pulumi.Input<string>;
  /** Provisioning options (e.g. Postgres `version`); a change replaces the add-on. @default undefined */
  readonly config?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A Heroku add-on. Creation returns once the add-on is provisioned and its
 * config vars are on the app.
 *
 * @example Minimal
 * new Addon("scheduler", { app: app.appId, plan: "scheduler:standard" });
 *
 * @example Full
 * const db = new Addon("shop-db", {
 *   app: app.appId, plan: "heroku-postgresql:standard-0", name: "acme-shop-db",
 *   attachmentName: "DATABASE", config: { version: "16" },
 * }, { protect: true, retainOnDelete: true });
 * const url = db.configVars.apply((vars) => vars["DATABASE_URL"]);
 */
export class Addon extends HerokuResource {
  /** Heroku's UUID of the add-on. */
  declare readonly addonId: pulumi.Output<string>;
  /** Its global name. */
  declare readonly name: pulumi.Output<string>;
  /** Live `service:plan`. */
  declare readonly plan: pulumi.Output<string>;
  /** `provisioned` once usable. */
  declare readonly state: pulumi.Output<string>;
  /** UUID of the billing app. */
  declare readonly appId: pulumi.Output<string>;
  /** Names of the vars it sets on the billing app (e.g. DATABASE_URL). */
  declare readonly configVarNames: pulumi.Output<string[]>;
  /** Those vars with their values (secret). */
  declare readonly configVars: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: AddonArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "addon",
      "Addon",
      name,
      { ...args, addonId: undefined, name: args.name, state: undefined, appId: undefined, configVarNames: undefined, configVars: undefined },
      withSecretOutputs(opts, ["configVars"]),
    );
  }
}
