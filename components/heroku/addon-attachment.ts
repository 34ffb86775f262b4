import * as pulumi from "@pulumi/pulumi";
import { HerokuResource } from "./heroku-resource";
import { withSecretOutputs } from "./resource-options";

/** An add-on shared with an app. */
export interface AddonAttachmentArgs {
  /** The add-on: its UUID (`Addon.addonId`) or global name. A change replaces the attachment. */
  readonly addon: pulumi.Input<string>;
  /** The app that gets the add-on's vars: UUID (`App.appId`) or name. A change replaces the attachment. */
  readonly app: pulumi.Input<string>;
  /** Attachment name; the app gets `<NAME>_URL`. A change replaces the attachment. @example "DATABASE" */
  readonly name: pulumi.Input<string>;
  /** Exposes one Postgres credential instead of the owner's. @default undefined @example "credential:euterpe" */
  readonly namespace?: pulumi.Input<string>;
}

/**
 * An add-on attachment. Creation returns once its vars are on the app.
 *
 * @example Minimal
 * new AddonAttachment("hermes-db", { addon: db.addonId, app: other.appId, name: "DATABASE" });
 *
 * @example Through a Postgres credential
 * new AddonAttachment("euterpe-db", {
 *   addon: db.addonId, app: euterpe.appId, name: "DATABASE", namespace: "credential:euterpe",
 * }, { dependsOn: [credential] });
 */
export class AddonAttachment extends HerokuResource {
  /** Heroku's UUID of the attachment. */
  declare readonly attachmentId: pulumi.Output<string>;
  /** Attachment name. */
  declare readonly name: pulumi.Output<string>;
  /** Vars it sets on the app (e.g. DATABASE_URL). */
  declare readonly configVarNames: pulumi.Output<string[]>;
  /** Those vars with their values as the app sees them (secret). */
  declare readonly configVars: pulumi.Output<Record<string, string>>;
  /** UUID of the add-on. */
  declare readonly addonId: pulumi.Output<string>;
  /** UUID of the app. */
  declare readonly appId: pulumi.Output<string>;

  constructor(name: string, args: AddonAttachmentArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "attachment",
      "AddonAttachment",
      name,
      { ...args, attachmentId: undefined, configVarNames: undefined, configVars: undefined, addonId: undefined, appId: undefined },
      withSecretOutputs(opts, ["configVars"]),
    );
  }
}
