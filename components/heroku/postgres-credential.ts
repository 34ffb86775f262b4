import * as pulumi from "@pulumi/pulumi";
import { HerokuResource } from "./heroku-resource";
import { withSecretOutputs } from "./resource-options";

/** An extra role on a Heroku Postgres database (Standard plans and up). */
export interface PostgresCredentialArgs {
  /** The Postgres add-on: UUID (`Addon.addonId`) or global name. A change replaces the credential. */
  readonly addon: pulumi.Input<string>;
  /** Credential name, lowercase; a change replaces it. @example "euterpe" */
  readonly name: pulumi.Input<string>;
  /** The add-on's plan, `standard-0` or `heroku-postgresql:standard-0`; Essential plans are refused. */
  readonly plan: pulumi.Input<string>;
  /** Any text; changing it rotates the password in place. @default undefined @example "2026-11" */
  readonly rotation?: pulumi.Input<string>;
}

/**
 * A Heroku Postgres credential. It starts with no privileges: grant them on
 * the app's schema, then attach it with `namespace: "credential:<name>"`.
 *
 * @example
 * const cred = new PostgresCredential("euterpe-cred", { addon: db.addonId, name: "euterpe", plan: "standard-0" });
 */
export class PostgresCredential extends HerokuResource {
  /** The credential's name. */
  declare readonly credentialName: pulumi.Output<string>;
  /** Its database user. */
  declare readonly user: pulumi.Output<string>;
  /** Its password (secret). */
  declare readonly password: pulumi.Output<string>;
  /** `postgres://user:password@host:port/db` (secret). */
  declare readonly url: pulumi.Output<string>;
  /** `active` once usable. */
  declare readonly state: pulumi.Output<string>;

  constructor(name: string, args: PostgresCredentialArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "postgresCredential",
      "PostgresCredential",
      name,
      { ...args, credentialName: undefined, user: undefined, password: undefined, url: undefined, state: undefined },
      withSecretOutputs(opts, ["password", "url"]),
    );
  }
}
