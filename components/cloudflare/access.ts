import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { throwArgsProblems, type ArgsProblem } from "../args-problems";

/** Cloudflare Zero Trust Access in front of one app's admin paths. */
export interface AdminAccessArgs {
  /**
   * Cloudflare account that holds Zero Trust (the policy is account-level).
   * @default the zone's account, looked up by `zoneId`
   */
  readonly accountId?: pulumi.Input<string>;
  /** Zone of the hostname; used to find the account when `accountId` is not given. */
  readonly zoneId: pulumi.Input<string>;
  /**
   * Fleet app name, for the names shown in the Zero Trust dashboard.
   * @example "threads-api"
   */
  readonly appName: string;
  /**
   * The app's public hostname (proxied: Access only sees proxied traffic).
   * @example "api.example.com"
   */
  readonly hostname: string;
  /**
   * Paths to protect; each covers its subpaths too (`/admin` covers `/admin/users`).
   * @example ["/admin", "/admin/metrics"]
   */
  readonly paths: readonly string[];
  /**
   * Emails allowed through (one-time PIN or the account's identity provider).
   * Each person who logs in takes a Zero Trust seat: free up to 50 users, then
   * billed per seat per month.
   * @example ["ops@example.com"]
   */
  readonly allowedEmails: readonly string[];
  /**
   * Service tokens allowed through without a person (a Prometheus scraper on
   * `/admin/metrics`), by token id.
   * @default []
   */
  readonly serviceTokenIds?: readonly pulumi.Input<string>[];
  /**
   * How long a login lasts.
   * @default "24h"
   */
  readonly sessionDuration?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/** `/admin/` and `/admin` protect the same thing; Access matches subpaths itself. */
export function normalizeAdminPath(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

/** The destinations Access protects: `<hostname><path>` per path. */
export function accessDestinations(hostname: string, paths: readonly string[]): { type: "public"; uri: string }[] {
  return [...new Set(paths.map(normalizeAdminPath))].map((path) => ({ type: "public" as const, uri: `${hostname}${path}` }));
}

/** Everything wrong with the args, each with its fix. */
export function adminAccessProblems(args: AdminAccessArgs): ArgsProblem[] {
  const problems: ArgsProblem[] = [];
  if (args.allowedEmails.length === 0) {
    problems.push({
      what: `no email may pass Cloudflare Access to ${args.appName}'s admin paths (${args.paths.join(", ")}), so nobody could use them`,
      fix: "pulumi config set --path 'fleet:accessEmails[0]' you@example.com",
    });
  }
  for (const email of args.allowedEmails) {
    if (!EMAIL.test(email)) problems.push({ what: `'${email}' is not an email address`, fix: "fix it in fleet:accessEmails" });
  }
  if (args.paths.length === 0) {
    problems.push({ what: `${args.appName} has no admin paths to protect`, fix: "list the paths in the app's adminPaths, or do not create AdminAccess" });
  }
  for (const path of args.paths) {
    if (!PATH.test(path) || path === "/") {
      problems.push({
        what: `'${path}' is not an admin path (a path below /, without query or fragment)`,
        fix: "use a path such as /admin in the app's adminPaths",
      });
    }
  }
  if (!/^[a-z0-9.-]+$/.test(args.hostname) || !args.hostname.includes(".")) {
    problems.push({ what: `'${args.hostname}' is not a lowercase hostname`, fix: "give the app a domain such as api.example.com" });
  }
  return problems;
}

/**
 * Zero Trust Access for an app's admin paths: one reusable account-level
 * policy allowing the listed emails (and a second, non-identity one for
 * service tokens when given), and one self-hosted application whose
 * destinations are `<hostname><path>` for each path. Access acts only on
 * proxied traffic: while the hostname's record is DNS-only (see app-dns.ts),
 * the app must refuse these paths itself, e.g. by checking the
 * `Cf-Access-Jwt-Assertion` header.
 *
 * @example Minimal
 * ```ts
 * new AdminAccess("steam-reviews-access", {
 *   zoneId: zone.id, appName: "steam-reviews", hostname: "steam.example.com",
 *   paths: ["/admin"], allowedEmails: ["ops@example.com"],
 * });
 * ```
 *
 * @example Full
 * ```ts
 * new AdminAccess("threads-api-access", {
 *   accountId: "0123…", zoneId: zone.id, appName: "threads-api", hostname: "api.example.com",
 *   paths: ["/admin", "/admin/metrics"], allowedEmails: ["ops@example.com", "dev@example.com"],
 *   serviceTokenIds: [scraperToken.id], sessionDuration: "12h",
 * }, { parent: this });
 * ```
 */
export class AdminAccess extends pulumi.ComponentResource {
  readonly applicationId: pulumi.Output<string>;
  readonly policyId: pulumi.Output<string>;
  /** The application's audience tag (`aud`), which the app checks in `Cf-Access-Jwt-Assertion`. */
  readonly audience: pulumi.Output<string>;
  /** The URIs Access protects (`api.example.com/admin`). */
  readonly destinations: readonly string[];

  constructor(name: string, args: AdminAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleet:cloudflare:AdminAccess", name, {}, opts);
    throwArgsProblems("AdminAccess", name, adminAccessProblems(args));
    const sessionDuration = args.sessionDuration ?? "24h";
    const accountId = args.accountId ?? cloudflare.getZoneOutput({ zoneId: args.zoneId }, { parent: this }).account.id;
    const destinations = accessDestinations(args.hostname, args.paths);

    const people = this.createEmailPolicy(name, args, accountId, sessionDuration);
    const machines = this.createServiceTokenPolicy(name, args, accountId);
    const application = this.createApplication(name, args, accountId, destinations, sessionDuration, [people, ...(machines ? [machines] : [])]);

    this.applicationId = application.id;
    this.policyId = people.id;
    this.audience = application.aud;
    this.destinations = destinations.map((d) => d.uri);
    this.registerOutputs({ applicationId: this.applicationId, policyId: this.policyId, audience: this.audience });
  }

  /** Allow the listed people. */
  private createEmailPolicy(
    name: string,
    args: AdminAccessArgs,
    accountId: pulumi.Input<string>,
    sessionDuration: string,
  ): cloudflare.ZeroTrustAccessPolicy {
    return new cloudflare.ZeroTrustAccessPolicy(
      `${name}-policy`,
      {
        accountId,
        name: `${args.appName} admins`,
        decision: "allow",
        includes: args.allowedEmails.map((email) => ({ email: { email } })),
        sessionDuration,
      },
      { parent: this },
    );
  }

  /** Let the listed service tokens through without a login (Access's "Service Auth"). */
  private createServiceTokenPolicy(name: string, args: AdminAccessArgs, accountId: pulumi.Input<string>): cloudflare.ZeroTrustAccessPolicy | undefined {
    const tokens = args.serviceTokenIds ?? [];
    if (tokens.length === 0) return undefined;
    return new cloudflare.ZeroTrustAccessPolicy(
      `${name}-service-policy`,
      {
        accountId,
        name: `${args.appName} admin service tokens`,
        decision: "non_identity",
        includes: tokens.map((tokenId) => ({ serviceToken: { tokenId } })),
      },
      { parent: this },
    );
  }

  private createApplication(
    name: string,
    args: AdminAccessArgs,
    accountId: pulumi.Input<string>,
    destinations: { type: "public"; uri: string }[],
    sessionDuration: string,
    policies: cloudflare.ZeroTrustAccessPolicy[],
  ): cloudflare.ZeroTrustAccessApplication {
    return new cloudflare.ZeroTrustAccessApplication(
      `${name}-app`,
      {
        accountId,
        name: `${args.appName} admin`,
        type: "self_hosted",
        destinations,
        sessionDuration,
        policies: policies.map((policy, i) => ({ id: policy.id, precedence: i + 1 })),
        appLauncherVisible: false,
      },
      { parent: this },
    );
  }
}
