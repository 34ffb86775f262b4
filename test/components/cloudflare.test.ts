import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { describe, expect, it } from "vitest";
import { AdminAccess, accessDestinations, type AdminAccessArgs } from "../../components/cloudflare/access";
import { AppDnsRecord, recordMode, type AppDnsRecordArgs } from "../../components/cloudflare/app-dns";
import { ZoneSettings } from "../../components/cloudflare/zone-settings";
import { resolve, startMocks } from "./mock-runtime";

const ZONE_SETTING = "cloudflare:index/zoneSetting:ZoneSetting";
const DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord";
const ACCESS_POLICY = "cloudflare:index/zeroTrustAccessPolicy:ZeroTrustAccessPolicy";
const ACCESS_APP = "cloudflare:index/zeroTrustAccessApplication:ZeroTrustAccessApplication";
const ZONE_ID = "0123456789abcdef0123456789abcdef";

/** Every object key in a value, at any depth. */
function keysDeep(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysDeep);
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...keysDeep(v)]);
}

describe("ZoneSettings", () => {
  it("one ZoneSetting per setting, with Cloudflare's ids and values", async () => {
    const rec = await startMocks();
    new ZoneSettings("production-zone", { zoneId: ZONE_ID });
    await rec.settle();
    const settings = rec.ofType(ZONE_SETTING);
    expect(Object.fromEntries(settings.map((s) => [s.name, [s.inputs["settingId"], s.inputs["value"]]]))).toEqual({
      "production-zone-ssl": ["ssl", "strict"],
      "production-zone-always-use-https": ["always_use_https", "on"],
      "production-zone-min-tls-version": ["min_tls_version", "1.2"],
      "production-zone-security-header": [
        "security_header",
        { strict_transport_security: { enabled: true, max_age: 31536000, include_subdomains: true, preload: false, nosniff: true } },
      ],
      "production-zone-automatic-https-rewrites": ["automatic_https_rewrites", "on"],
    });
    for (const s of settings) expect(s.inputs["zoneId"]).toBe(ZONE_ID);
  });

  it("HSTS keys stay snake_case (camelCase makes an endless diff)", async () => {
    const rec = await startMocks();
    new ZoneSettings("z", { zoneId: ZONE_ID, hsts: { maxAge: 63072000, includeSubdomains: true, preload: true } });
    await rec.settle();
    const header = rec.named("z-security-header").inputs["value"];
    for (const key of keysDeep(header)) expect(key).toMatch(/^[a-z_]+$/);
    expect(header).toEqual({
      strict_transport_security: { enabled: true, max_age: 63072000, include_subdomains: true, preload: true, nosniff: true },
    });
  });

  it("protect reaches every setting", async () => {
    const rec = await startMocks();
    new ZoneSettings("z", { zoneId: ZONE_ID, protect: true });
    await rec.settle();
    expect(rec.ofType(ZONE_SETTING).map((s) => s.protect)).toEqual([true, true, true, true, true]);
  });

  it("refuses an HSTS preload the preload lists would reject", async () => {
    await startMocks();
    expect(() => new ZoneSettings("z", { zoneId: ZONE_ID, hsts: { maxAge: 600, preload: true } })).toThrow(
      /preload lists accept only max-age of a year[\s\S]*fix: set hsts.maxAge to 31536000/,
    );
  });
});

describe("AppDnsRecord: TLS ordering", () => {
  const base: AppDnsRecordArgs = { zoneId: ZONE_ID, hostname: "api.example.com", target: "sushi-1234.herokudns.com", proxied: true };

  async function record(args: AppDnsRecordArgs) {
    const rec = await startMocks();
    const dns = new AppDnsRecord("threads-api-dns", args);
    const awaiting = await resolve(dns.awaitingCertificate);
    await rec.settle();
    return { rec, dns, awaiting: awaiting.value, record: rec.named("threads-api-dns-cname") };
  }

  it.each(["pending", "dns verified", "failing", "failed", ""])("ACM %j: DNS-only with a 5-minute TTL, waiting for the certificate", async (status) => {
    const { record: r, awaiting } = await record({ ...base, acmStatus: status });
    expect(r.inputs).toMatchObject({ proxied: false, ttl: 300 });
    expect(awaiting).toBe(true);
  });

  it("ACM 'cert issued' (any case): proxied with automatic TTL", async () => {
    for (const status of ["cert issued", "Cert Issued"]) {
      const { record: r, awaiting, dns } = await record({ ...base, acmStatus: status });
      expect(r.inputs).toMatchObject({ proxied: true, ttl: 1 });
      expect(awaiting).toBe(false);
      expect((await resolve(dns.proxied)).value).toBe(true);
    }
  });

  it("a stack that does not proxy stays DNS-only whatever ACM says", async () => {
    const { record: r, awaiting } = await record({ ...base, proxied: false, acmStatus: "cert issued" });
    expect(r.inputs).toMatchObject({ proxied: false, ttl: 300 });
    expect(awaiting).toBe(false);
  });

  it("without an ACM status the record is proxied as asked", async () => {
    const { record: r } = await record(base);
    expect(r.inputs).toMatchObject({ proxied: true, ttl: 1 });
  });

  it("a CNAME to the Heroku DNS target, managed by fleet", async () => {
    const { record: r } = await record({ ...base, target: pulumi.output("sushi-1234.herokudns.com") });
    expect(r.type).toBe(DNS_RECORD);
    expect(r.inputs).toMatchObject({
      zoneId: ZONE_ID,
      name: "api.example.com",
      type: "CNAME",
      content: "sushi-1234.herokudns.com",
      comment: "managed by fleet",
    });
  });

  it("the apex is a CNAME named after the zone (Cloudflare flattens it)", async () => {
    const { record: r } = await record({ ...base, hostname: "example.com", zoneName: "example.com" });
    expect(r.inputs).toMatchObject({ name: "example.com", type: "CNAME" });
  });

  it("previews show the record before the ACM status is known", async () => {
    const rec = await startMocks({ preview: true });
    const unknownStatus = new random.RandomString("acm", { length: 4 }).result;
    const dns = new AppDnsRecord("d", { ...base, acmStatus: unknownStatus });
    expect((await resolve(dns.proxied)).known).toBe(false);
    await rec.settle();
    expect(rec.ofType(DNS_RECORD).map((r) => r.name)).toEqual(["d-cname"]);
  });

  it("refuses wildcards and hostnames outside the zone", async () => {
    await startMocks();
    expect(() => new AppDnsRecord("d", { ...base, hostname: "*.example.com" })).toThrow(/wildcards are not allowed/);
    expect(() => new AppDnsRecord("d", { ...base, hostname: "api.other.org", zoneName: "example.com" })).toThrow(/outside the zone example.com/);
  });

  it("recordMode is the whole rule", () => {
    expect(recordMode(true, { gated: true, status: "pending" })).toEqual({ proxied: false, ttl: 300, awaitingCertificate: true });
    expect(recordMode(true, { gated: true, status: undefined })).toEqual({ proxied: false, ttl: 300, awaitingCertificate: true });
    expect(recordMode(true, { gated: true, status: " cert issued " })).toEqual({ proxied: true, ttl: 1, awaitingCertificate: false });
    expect(recordMode(true, { gated: false })).toEqual({ proxied: true, ttl: 1, awaitingCertificate: false });
    expect(recordMode(false, { gated: true, status: "pending" })).toEqual({ proxied: false, ttl: 300, awaitingCertificate: false });
  });
});

describe("AdminAccess", () => {
  const base: AdminAccessArgs = {
    accountId: "acct-1",
    zoneId: ZONE_ID,
    appName: "threads-api",
    hostname: "api.example.com",
    paths: ["/admin", "/admin/metrics/"],
    allowedEmails: ["ops@example.com", "dev@example.com"],
  };

  it("an account-level allow policy for the emails and a self-hosted app over every admin path", async () => {
    const rec = await startMocks();
    const access = new AdminAccess("threads-api-access", base);
    await resolve(access.applicationId);
    await rec.settle();

    const policy = rec.named("threads-api-access-policy");
    expect(policy.type).toBe(ACCESS_POLICY);
    expect(policy.inputs).toEqual({
      accountId: "acct-1",
      name: "threads-api admins",
      decision: "allow",
      includes: [{ email: { email: "ops@example.com" } }, { email: { email: "dev@example.com" } }],
      sessionDuration: "24h",
    });

    const app = rec.named("threads-api-access-app");
    expect(app.type).toBe(ACCESS_APP);
    expect(app.inputs).toEqual({
      accountId: "acct-1",
      name: "threads-api admin",
      type: "self_hosted",
      destinations: [
        { type: "public", uri: "api.example.com/admin" },
        { type: "public", uri: "api.example.com/admin/metrics" },
      ],
      sessionDuration: "24h",
      policies: [{ id: "threads-api-access-policy-id", precedence: 1 }],
      appLauncherVisible: false,
    });
    expect(app.dependencies).toContain(policy.urn);
    expect(access.destinations).toEqual(["api.example.com/admin", "api.example.com/admin/metrics"]);
    expect(rec.invokes).toEqual([]);
  });

  it("finds the account from the zone when no account id is given", async () => {
    const rec = await startMocks();
    const { accountId: _omitted, ...withoutAccount } = base;
    const access = new AdminAccess("a", withoutAccount);
    await resolve(access.applicationId);
    await rec.settle();
    expect(rec.invokes).toEqual([{ token: "cloudflare:index/getZone:getZone", inputs: { zoneId: ZONE_ID } }]);
    expect(rec.named("a-policy").inputs["accountId"]).toBe("account-from-zone");
    expect(rec.named("a-app").inputs["accountId"]).toBe("account-from-zone");
  });

  it("service tokens get a second, non-identity policy", async () => {
    const rec = await startMocks();
    new AdminAccess("a", { ...base, serviceTokenIds: ["tok-1"] });
    await rec.settle();
    expect(rec.named("a-service-policy").inputs).toMatchObject({ decision: "non_identity", includes: [{ serviceToken: { tokenId: "tok-1" } }] });
    expect(rec.named("a-app").inputs["policies"]).toEqual([
      { id: "a-policy-id", precedence: 1 },
      { id: "a-service-policy-id", precedence: 2 },
    ]);
  });

  it("no allowed email: refuses, with the command that adds one", async () => {
    const rec = await startMocks();
    expect(() => new AdminAccess("a", { ...base, allowedEmails: [] })).toThrow(
      "fix: pulumi config set --path 'fleet:accessEmails[0]' you@example.com",
    );
    await rec.settle();
    expect(rec.resources.filter((r) => r.custom)).toEqual([]);
  });

  it("refuses bad paths and emails together", async () => {
    await startMocks();
    expect(() => new AdminAccess("a", { ...base, paths: ["admin", "/"], allowedEmails: ["nobody"] })).toThrow(
      /'nobody' is not an email[\s\S]*'admin' is not an admin path[\s\S]*'\/' is not an admin path/,
    );
  });

  it("destinations drop trailing slashes and duplicates", () => {
    expect(accessDestinations("h.example.com", ["/admin/", "/admin", "/x"])).toEqual([
      { type: "public", uri: "h.example.com/admin" },
      { type: "public", uri: "h.example.com/x" },
    ]);
  });
});
