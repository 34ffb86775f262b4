/**
 * DNS for one app's custom domain, and the order in which its TLS comes up.
 *
 * Decision: Heroku ACM issues the origin certificate, and a proxied record
 * starts DNS-only until ACM reports `cert issued`; the next `pulumi up` turns
 * the proxy on (option (a) of the two Heroku and Cloudflare document). Why:
 * - ACM proves control by HTTP-01 on the hostname. Behind the proxy with the
 *   zone on Full (strict) and Always Use HTTPS, the first validation fails:
 *   the challenge is redirected to HTTPS and Cloudflare refuses an origin with
 *   no valid certificate yet (526). DNS-only, Let's Encrypt reaches Heroku
 *   directly and the certificate is issued in minutes.
 * - Once a valid certificate exists, Full (strict) works, and renewals pass
 *   through the proxy (the redirected challenge reaches an origin whose
 *   current certificate is still valid).
 * - The alternative, a Cloudflare Origin CA certificate uploaded as a Heroku
 *   SNI endpoint, is trusted only by Cloudflare: a stack that is not proxied
 *   (or a record flipped to DNS-only while debugging) would serve a
 *   certificate browsers reject. It also needs an Origin CA key, a private key
 *   in state, an SNI-endpoint resource fleet does not have, and ACM turned off.
 * The cost is a second `pulumi up` after a new domain's certificate is issued
 * (`awaitingCertificate` says when), and, until then, the hostname bypasses
 * Cloudflare — including Access on admin paths, so apps must not rely on
 * Access alone for those paths during that window.
 */
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { throwArgsProblems, type ArgsProblem } from "../args-problems";

/** A CNAME from an app's custom hostname to its Heroku DNS target. */
export interface AppDnsRecordArgs {
  /** Cloudflare zone id. */
  readonly zoneId: pulumi.Input<string>;
  /**
   * Full hostname, lowercase, no trailing dot. The zone's own name makes an
   * apex CNAME, which Cloudflare flattens.
   * @example "api.example.com"
   */
  readonly hostname: string;
  /**
   * The Heroku domain's DNS target (its `cname`), never `*.herokuapp.com`.
   * @example "sushi-1234.herokudns.com"
   */
  readonly target: pulumi.Input<string>;
  /** Whether the stack wants the record proxied through Cloudflare (once its certificate exists). */
  readonly proxied: boolean;
  /**
   * The Heroku domain's `acm_status`. When given, a proxied record stays
   * DNS-only until it reads `cert issued`. Omit only when the origin already
   * has a certificate Cloudflare trusts.
   * @default undefined (not gated)
   * @example domain.acmStatus
   */
  readonly acmStatus?: pulumi.Input<string | undefined>;
  /**
   * The zone's name, to check that the hostname lies in it.
   * @default undefined (not checked)
   * @example "example.com"
   */
  readonly zoneName?: string;
}

/** Heroku's `acm_status` once the certificate exists (compared case-insensitively). */
export const CERT_ISSUED = "cert issued";

/** Cloudflare's "automatic" TTL, the only one a proxied record may have. */
export const TTL_AUTO = 1;
export const TTL_DNS_ONLY = 300;

export interface RecordMode {
  readonly proxied: boolean;
  readonly ttl: number;
  /** The stack wants the proxy but the certificate is not issued yet. */
  readonly awaitingCertificate: boolean;
}

/**
 * Proxied only when the stack asks for it and, if ACM gates the record, the
 * certificate is issued; otherwise DNS-only with a 5-minute TTL.
 */
export function recordMode(wantProxied: boolean, acm: { gated: boolean; status?: string | null | undefined }): RecordMode {
  const issued = !acm.gated || (acm.status ?? "").trim().toLowerCase() === CERT_ISSUED;
  const proxied = wantProxied && issued;
  return { proxied, ttl: proxied ? TTL_AUTO : TTL_DNS_ONLY, awaitingCertificate: wantProxied && !issued };
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Everything wrong with the args, each with its fix. */
export function appDnsProblems(args: AppDnsRecordArgs): ArgsProblem[] {
  const problems: ArgsProblem[] = [];
  if (!HOSTNAME.test(args.hostname)) {
    problems.push({
      what: `'${args.hostname}' is not a full lowercase hostname (wildcards are not allowed: Heroku ACM cannot certify them)`,
      fix: "give the app a domain such as api.example.com",
    });
  }
  if (args.zoneName !== undefined && args.hostname !== args.zoneName && !args.hostname.endsWith(`.${args.zoneName}`)) {
    problems.push({
      what: `'${args.hostname}' is outside the zone ${args.zoneName}`,
      fix: `use a hostname ending in .${args.zoneName}, or the zone that holds ${args.hostname}`,
    });
  }
  return problems;
}

/**
 * One proxied-or-not CNAME for an app's custom domain, managed by fleet. With
 * `acmStatus` it follows the TLS order in this file's header: DNS-only until
 * Heroku ACM has issued the certificate, proxied afterwards.
 *
 * @example Minimal: DNS-only
 * ```ts
 * new AppDnsRecord("shop-dns", { zoneId, hostname: "shop.example.com", target: domain.cname, proxied: false });
 * ```
 *
 * @example Full: proxied once ACM has issued the certificate
 * ```ts
 * const dns = new AppDnsRecord("threads-api-dns", {
 *   zoneId: zone.id,
 *   zoneName: "example.com",
 *   hostname: "api.example.com",
 *   target: domain.cname,
 *   proxied: true,
 *   acmStatus: domain.acmStatus,
 * }, { parent: this, dependsOn: [domain] });
 * // dns.awaitingCertificate: true until the `pulumi up` after issuance
 * ```
 */
export class AppDnsRecord extends pulumi.ComponentResource {
  readonly hostname: string;
  /** Whether the record is proxied now. */
  readonly proxied: pulumi.Output<boolean>;
  /** The stack wants the proxy but ACM has not issued the certificate: run `pulumi up` again once it has. */
  readonly awaitingCertificate: pulumi.Output<boolean>;
  readonly recordId: pulumi.Output<string>;

  constructor(name: string, args: AppDnsRecordArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleet:cloudflare:AppDnsRecord", name, {}, opts);
    throwArgsProblems("AppDnsRecord", name, appDnsProblems(args));
    const gated = args.acmStatus !== undefined;
    const mode = pulumi.output(args.acmStatus).apply((status) => recordMode(args.proxied, { gated, status }));

    const record = this.createRecord(name, args, mode);

    this.hostname = args.hostname;
    this.proxied = mode.apply((m) => m.proxied);
    this.awaitingCertificate = mode.apply((m) => m.awaitingCertificate);
    this.recordId = record.id;
    this.registerOutputs({ proxied: this.proxied, awaitingCertificate: this.awaitingCertificate, recordId: this.recordId });
  }

  private createRecord(name: string, args: AppDnsRecordArgs, mode: pulumi.Output<RecordMode>): cloudflare.DnsRecord {
    return new cloudflare.DnsRecord(
      `${name}-cname`,
      {
        zoneId: args.zoneId,
        name: args.hostname,
        type: "CNAME",
        content: args.target,
        proxied: mode.apply((m) => m.proxied),
        ttl: mode.apply((m) => m.ttl),
        comment: "managed by fleet",
      },
      { parent: this },
    );
  }
}
