import * as pulumi from "@pulumi/pulumi";
import { HerokuResource } from "./heroku-resource";

/** A custom hostname of an app. */
export interface DomainArgs {
  /** The app: UUID (`App.appId`) or name. A change replaces the domain. */
  readonly app: pulumi.Input<string>;
  /** The hostname, lowercase; a change replaces the domain. @example "shop.example.com" */
  readonly hostname: pulumi.Input<string>;
}

/**
 * A custom domain served with ACM (turn `acm` on in the App). Point DNS at
 * `cname`, never at `*.herokuapp.com`.
 *
 * @example
 * const domain = new Domain("shop-domain", { app: app.appId, hostname: "shop.example.com" });
 */
export class Domain extends HerokuResource {
  /** Heroku's UUID of the domain. */
  declare readonly domainId: pulumi.Output<string>;
  /** The hostname. */
  declare readonly hostname: pulumi.Output<string>;
  /** The DNS target (`<random>.herokudns.com`) for the CNAME record. */
  declare readonly cname: pulumi.Output<string>;
  /** ACM state: `pending`, `dns verified`, `cert issued`, `failing`… (absent without ACM). */
  declare readonly acmStatus: pulumi.Output<string | undefined>;
  /** ACM has issued a certificate at least once; stays true through renewals, so a proxied record stays proxied. */
  declare readonly certificateIssued: pulumi.Output<boolean>;
  /** Domain state: `pending`, then `succeeded`. */
  declare readonly status: pulumi.Output<string>;

  constructor(name: string, args: DomainArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "domain",
      "Domain",
      name,
      { ...args, domainId: undefined, cname: undefined, acmStatus: undefined, certificateIssued: undefined, status: undefined },
      opts,
    );
  }
}
