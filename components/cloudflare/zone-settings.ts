import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { throwArgsProblems, type ArgsProblem } from "../args-problems";

/** HTTP Strict Transport Security as Cloudflare sends it for the whole zone. */
export interface HstsArgs {
  /**
   * Seconds browsers remember to use HTTPS only.
   * @default 31536000 (one year)
   */
  readonly maxAge?: number;
  /**
   * Apply to every subdomain of the zone too.
   * @default true
   */
  readonly includeSubdomains?: boolean;
  /**
   * Ask to be put on browsers' preload lists (hard to undo: needs a year of
   * max-age and includeSubdomains).
   * @default false
   */
  readonly preload?: boolean;
}

/** Per-zone TLS settings every fleet zone gets (one per stack). */
export interface ZoneSettingsArgs {
  /**
   * Cloudflare zone id.
   * @example zone.id  // from cloudflare.getZoneOutput({ filter: { name: "example.com" } })
   */
  readonly zoneId: pulumi.Input<string>;
  /**
   * The HSTS header.
   * @default { maxAge: 31536000, includeSubdomains: true, preload: false }
   */
  readonly hsts?: HstsArgs;
  /**
   * Protect the settings from deletion (production).
   * @default false
   */
  readonly protect?: boolean;
}

const ONE_YEAR = 31_536_000;

/** The `security_header` value in the API's own snake_case (camelCase keys make an endless diff: pulumi-cloudflare #1579). */
export interface SecurityHeaderValue {
  readonly strict_transport_security: {
    readonly enabled: boolean;
    readonly max_age: number;
    readonly include_subdomains: boolean;
    readonly preload: boolean;
    readonly nosniff: boolean;
  };
}

/** Every setting fleet manages, by Cloudflare's setting id, with its value. */
export function zoneSettingValues(hsts: HstsArgs = {}): ReadonlyArray<readonly [settingId: string, value: string | SecurityHeaderValue]> {
  return [
    // Full (strict): Cloudflare checks the origin's certificate (Heroku ACM's).
    ["ssl", "strict"],
    ["always_use_https", "on"],
    ["min_tls_version", "1.2"],
    [
      "security_header",
      {
        strict_transport_security: {
          enabled: true,
          max_age: hsts.maxAge ?? ONE_YEAR,
          include_subdomains: hsts.includeSubdomains ?? true,
          preload: hsts.preload ?? false,
          nosniff: true,
        },
      },
    ],
    ["automatic_https_rewrites", "on"],
  ];
}

/** Everything wrong with the HSTS args, each with its fix. */
export function hstsProblems(hsts: HstsArgs = {}): ArgsProblem[] {
  const problems: ArgsProblem[] = [];
  const maxAge = hsts.maxAge ?? ONE_YEAR;
  if (!Number.isInteger(maxAge) || maxAge < 0 || maxAge > 2 * ONE_YEAR) {
    problems.push({ what: `hsts.maxAge ${maxAge} is not a whole number of seconds between 0 and two years`, fix: `use ${ONE_YEAR} (one year)` });
  }
  if (hsts.preload && (maxAge < ONE_YEAR || hsts.includeSubdomains === false)) {
    problems.push({
      what: "HSTS preload lists accept only max-age of a year or more with includeSubdomains",
      fix: `set hsts.maxAge to ${ONE_YEAR} and includeSubdomains to true, or drop preload`,
    });
  }
  return problems;
}

export function validateZoneSettings(name: string, args: ZoneSettingsArgs): void {
  throwArgsProblems("ZoneSettings", name, hstsProblems(args.hsts));
}

/**
 * The zone's TLS posture: SSL Full (strict), HTTPS always, TLS 1.2 at least,
 * HSTS, and automatic HTTPS rewrites, each as one `cloudflare.ZoneSetting`
 * (v6 has no ZoneSettingsOverride). Settings are zone-wide: every hostname in
 * the zone gets them, fleet's or not.
 *
 * @example Minimal
 * ```ts
 * new ZoneSettings("production-zone", { zoneId: zone.id });
 * ```
 *
 * @example Full
 * ```ts
 * new ZoneSettings("production-zone", {
 *   zoneId: zone.id,
 *   hsts: { maxAge: 31536000, includeSubdomains: true, preload: false },
 *   protect: true,
 * }, { parent: this });
 * ```
 */
export class ZoneSettings extends pulumi.ComponentResource {
  /** Setting id → the ZoneSetting managing it. */
  readonly settings: Readonly<Record<string, cloudflare.ZoneSetting>>;

  constructor(name: string, args: ZoneSettingsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("fleet:cloudflare:ZoneSettings", name, {}, opts);
    validateZoneSettings(name, args);
    const protect = args.protect ?? false;
    this.settings = Object.fromEntries(
      zoneSettingValues(args.hsts).map(([settingId, value]) => [settingId, this.createSetting(name, args.zoneId, settingId, value, protect)]),
    );
    this.registerOutputs({});
  }

  /** One setting, named after its id: `<name>-always-use-https`. */
  private createSetting(
    name: string,
    zoneId: pulumi.Input<string>,
    settingId: string,
    value: string | SecurityHeaderValue,
    protect: boolean,
  ): cloudflare.ZoneSetting {
    return new cloudflare.ZoneSetting(
      `${name}-${settingId.replaceAll("_", "-")}`,
      { zoneId, settingId, value },
      { parent: this, protect },
    );
  }
}
