import * as pulumi from "@pulumi/pulumi";
import { HerokuResource } from "./heroku-resource";

/** A Heroku app: what `App` creates or adopts. */
export interface AppArgs {
  /** Globally unique app name, 3–30 characters: lowercase letters, digits and dashes, a letter first. Renaming is done in place. @example "acme-shop-staging" */
  readonly name: pulumi.Input<string>;
  /** Region, chosen at creation (a change replaces the app). @default "us" */
  readonly region?: pulumi.Input<string>;
  /** Stack for builds; a change applies to the next build (in place, never a replacement). @default "heroku-24" */
  readonly stack?: pulumi.Input<string>;
  /** Heroku Team that owns the app (created with `POST /teams/apps`); a change replaces the app. @default undefined (personal account) */
  readonly team?: pulumi.Input<string>;
  /** Automated Certificate Management for custom domains (needs a paid dyno tier). @default undefined (left as it is) */
  readonly acm?: pulumi.Input<boolean>;
  /** Maintenance mode: the router answers 503 with the maintenance page. @default undefined (left as it is) */
  readonly maintenance?: pulumi.Input<boolean>;
  /** Heroku Labs features to enable or disable; features not named are left as they are. @default {} @example { "runtime-dyno-metadata": true } */
  readonly features?: pulumi.Input<Record<string, pulumi.Input<boolean>>>;
  /**
   * Take over the existing app of this name instead of creating one; it must match region, team and stack.
   * Without it, an existing app of the name is never taken over (the create is refused with the command that
   * adopts it). Deleting an adopted app only forgets it: fleet never deletes an app it did not create. @default false
   */
  readonly adopt?: pulumi.Input<boolean>;
  /** The app's key under `fleet:apps` in the stack config, so messages give exact commands. @default undefined ("<app>" in messages) @example "euterpe" */
  readonly configKey?: pulumi.Input<string>;
}

/**
 * A Heroku app.
 *
 * @example Minimal
 * const app = new App("shop-app", { name: "acme-shop-staging" });
 *
 * @example Full
 * const app = new App("shop-app", {
 *   name: "acme-shop", region: "eu", stack: "heroku-24", team: "acme",
 *   acm: true, maintenance: false, features: { "runtime-dyno-metadata": true },
 * }, { protect: true });
 *
 * @example Adopting an app that existed before fleet (removing it later forgets it, never deletes it)
 * new App("legacy", { name: "acme-legacy", region: "us", adopt: true });
 */
export class App extends HerokuResource {
  /** Heroku's UUID of the app; stable across renames (pass it to the app's other resources). */
  declare readonly appId: pulumi.Output<string>;
  /** The app's name. */
  declare readonly name: pulumi.Output<string>;
  /** `https://<name>-<hash>.herokuapp.com/` as Heroku reports it (never derive it from the name). */
  declare readonly webUrl: pulumi.Output<string>;
  /** Region name. */
  declare readonly region: pulumi.Output<string>;
  /** Stack of the next build. */
  declare readonly stack: pulumi.Output<string>;
  /** Owning team, when the app belongs to one. */
  declare readonly team: pulumi.Output<string | undefined>;
  /** Whether ACM is on. */
  declare readonly acm: pulumi.Output<boolean>;
  /** Whether maintenance mode is on. */
  declare readonly maintenance: pulumi.Output<boolean>;
  /** The live state of the features named in `features`. */
  declare readonly features: pulumi.Output<Record<string, boolean>>;
  /** Whether the app existed before and was adopted. */
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: AppArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "app",
      "App",
      name,
      {
        ...args,
        appId: undefined,
        webUrl: undefined,
        region: args.region,
        stack: args.stack,
        team: args.team,
        acm: args.acm,
        maintenance: args.maintenance,
        features: args.features,
        adopted: undefined,
      },
      opts,
    );
  }
}
