import * as pulumi from "@pulumi/pulumi";
import { HerokuResource } from "./heroku-resource";
import { withSecretOutputs } from "./resource-options";

/** A log drain of an app. */
export interface DrainArgs {
  /** The app: UUID (`App.appId`) or name. A change replaces the drain. */
  readonly app: pulumi.Input<string>;
  /** Where logs go (secret: it may carry a token); a change replaces the drain. @example "syslog+tls://logs.example.com:6514" */
  readonly url: pulumi.Input<string>;
}

/**
 * A log drain.
 *
 * @example
 * new Drain("shop-drain", { app: app.appId, url: pulumi.secret(drainUrl) });
 */
export class Drain extends HerokuResource {
  /** Heroku's UUID of the drain. */
  declare readonly drainId: pulumi.Output<string>;
  /** The `d.<uuid>` token the receiver sees. */
  declare readonly token: pulumi.Output<string>;
  /** The URL (secret). */
  declare readonly url: pulumi.Output<string>;

  constructor(name: string, args: DrainArgs, opts?: pulumi.CustomResourceOptions) {
    super("drain", "Drain", name, { ...args, drainId: undefined, token: undefined }, withSecretOutputs(opts, ["url"]));
  }
}
