import * as pulumi from "@pulumi/pulumi";
import { HerokuResource } from "./heroku-resource";

/** The check of an app's health path after a release. */
export interface SmokeCheckArgs {
  /** The app (UUID or name): its config-var values are masked in what the check reports. */
  readonly app: pulumi.Input<string>;
  /** Base URL the app answers on, without a trailing slash: its custom domain once live, else its herokuapp.com URL. */
  readonly url: pulumi.Input<string>;
  /** Path that answers 200 when the app is healthy. @example "/health" */
  readonly path: pulumi.Input<string>;
  /** The release to check (`Build.releaseId`): a new one runs the check again. */
  readonly releaseId: pulumi.Input<string>;
  /** Its version: a health body naming an older release (`"release": "v41"`) is an old dyno still answering, so the check waits. @default undefined (not compared) */
  readonly releaseVersion?: pulumi.Input<number>;
  /** Time the app has to answer 200, from the start of the check. @example 300 */
  readonly timeoutSeconds: pulumi.Input<number>;
}

/**
 * Waits after a release until the app's health path answers 200, and fails
 * the update with the last status and the start of the body (secrets
 * masked) when it does not in time. Holds no Heroku object: a failed check
 * leaves the release and the build as they are, and the next `pulumi up`
 * checks again.
 *
 * @example
 * new SmokeCheck("shop-smoke-check", {
 *   app: app.appId, url: "https://shop.example.com", path: "/health",
 *   releaseId: build.releaseId, releaseVersion: build.releaseVersion, timeoutSeconds: 300,
 * }, { dependsOn: [build, formation] });
 */
export class SmokeCheck extends HerokuResource {
  /** The status that ended the check (200). */
  declare readonly status: pulumi.Output<number>;
  /** The release the health body named, when it names one. */
  declare readonly answeredRelease: pulumi.Output<string | undefined>;

  constructor(name: string, args: SmokeCheckArgs, opts?: pulumi.CustomResourceOptions) {
    super("smokeCheck", "SmokeCheck", name, { ...args, status: undefined, answeredRelease: undefined }, opts);
  }
}
