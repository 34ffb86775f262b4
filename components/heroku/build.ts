import * as pulumi from "@pulumi/pulumi";
import { HerokuResource } from "./heroku-resource";
import { packSource } from "./source-archive";

/** A build of a local folder on Heroku. */
export interface BuildArgs {
  /** The app: UUID (`App.appId`, preferred) or name. A change rebuilds. */
  readonly app: pulumi.Input<string>;
  /** The app's folder, relative to the project root; packed deterministically. @example "apps/shop-sentiment" */
  readonly sourceDir: string;
  /** SHA-256 of the packed folder; a change rebuilds. @default computed here from `sourceDir` (equal content → equal hash → no build) */
  readonly sourceSha256?: pulumi.Input<string>;
  /** Buildpack URLs or names for this build only. @default undefined (the app's buildpacks, detected Node.js) @example ["heroku/nodejs"] */
  readonly buildpacks?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * SHA-256 of the values the build compiles in (config vars read at build
   * time, such as NEXT_PUBLIC_*); a change rebuilds. @default undefined (none)
   */
  readonly buildEnvSha256?: pulumi.Input<string>;
  /**
   * Rollback: run this earlier release's slug instead of the build's (a
   * version of the same app, as `heroku releases` lists it). Changed or
   * removed in place: removing it releases the build's own slug (or the
   * promoted one it recorded) again.
   * Register the Build with `ignoreChanges` on its source while pinned, or a
   * source change would build and release new code. @default undefined (the build runs) @example 41
   */
  readonly pinnedRelease?: pulumi.Input<number>;
}

/**
 * A Heroku build and the release it makes. Returns once the release phase
 * succeeded; fails with the tail of the build output otherwise.
 *
 * @example
 * const build = new Build("shop-build", { app: app.appId, sourceDir: "apps/shop-sentiment" }, { dependsOn: [config] });
 */
export class Build extends HerokuResource {
  /** Heroku's UUID of the build; empty when a promoted release of the same source was recorded instead (`reusedRelease`). */
  declare readonly buildId: pulumi.Output<string>;
  /**
   * The release that runs its slug: the one the build made (or the promoted
   * one found running), or the one that released it again after a pin.
   */
  declare readonly releaseId: pulumi.Output<string>;
  /** That release's version (v42 → 42). */
  declare readonly releaseVersion: pulumi.Output<number>;
  /** The slug it made (or the promoted one it recorded). */
  declare readonly slugId: pulumi.Output<string>;
  /** `succeeded`. */
  declare readonly status: pulumi.Output<string>;
  /** SHA-256 of the uploaded archive. */
  declare readonly sourceSha256: pulumi.Output<string>;
  /** Process types of the Procfile: type → command. */
  declare readonly processTypes: pulumi.Output<Record<string, string>>;
  /** While pinned: the slug that runs instead of the build's. */
  declare readonly pinnedSlugId: pulumi.Output<string | undefined>;
  /** While pinned: the release that runs the pinned slug. */
  declare readonly pinReleaseId: pulumi.Output<string | undefined>;
  declare readonly pinReleaseVersion: pulumi.Output<number | undefined>;

  constructor(name: string, args: BuildArgs, opts?: pulumi.CustomResourceOptions) {
    const sourceSha256 = args.sourceSha256 ?? pulumi.output(packSource(args.sourceDir).then((archive) => archive.sha256));
    super(
      "build",
      "Build",
      name,
      {
        ...args,
        sourceSha256,
        buildId: undefined,
        releaseId: undefined,
        releaseVersion: undefined,
        slugId: undefined,
        status: undefined,
        processTypes: undefined,
        pinnedSlugId: undefined,
        pinReleaseId: undefined,
        pinReleaseVersion: undefined,
      },
      opts,
    );
  }
}
