import * as pulumi from "@pulumi/pulumi";
import { HerokuResource } from "./heroku-resource";
import { withSecretOutputs } from "./resource-options";

/** The config vars fleet owns on one app. */
export interface ConfigVarsArgs {
  /** The app: UUID (`App.appId`, preferred) or name. A change replaces the resource. */
  readonly app: pulumi.Input<string>;
  /** Key → value. Values are secrets. Keys of add-ons (DATABASE_URL, REDIS_URL, `<ATTACHMENT>_URL`) are refused. @example { NODE_ENV: "production", SESSION_SECRET: secret } */
  readonly vars: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * Config vars of an app. Only these keys are managed; one PATCH (one release,
 * one restart) per change and none when nothing changed. Keys set by hand on
 * Heroku show up in `unmanagedKeys` and as a pending change until they are
 * declared or unset; fleet never deletes them.
 *
 * @example
 * new ConfigVars("shop-config", { app: app.appId, vars: pulumi.secret({ NODE_ENV: "production" }) });
 */
export class ConfigVars extends HerokuResource {
  /** The managed keys with their live values (secret). */
  declare readonly vars: pulumi.Output<Record<string, string>>;
  /** The managed keys. */
  declare readonly keys: pulumi.Output<string[]>;
  /** Keys on the app that neither fleet nor an add-on set: drift. */
  declare readonly unmanagedKeys: pulumi.Output<string[]>;
  /** UUID of the app. */
  declare readonly appId: pulumi.Output<string>;

  constructor(name: string, args: ConfigVarsArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "configVars",
      "ConfigVars",
      name,
      { ...args, keys: undefined, unmanagedKeys: undefined, appId: undefined },
      withSecretOutputs(opts, ["vars"]),
    );
  }
}
