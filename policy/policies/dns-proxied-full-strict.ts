/**
 * Production DNS records are proxied through Cloudflare, with the zone on
 * SSL Full (strict).
 *
 * A record fleet makes starts DNS-only until Heroku ACM has issued the
 * origin certificate, then turns proxied (components/cloudflare/app-dns.ts);
 * the record alone cannot tell that wait from a record meant to stay
 * DNS-only, so the service declares what the stack wants (`proxied`). A
 * production record is a violation when the stack does not want it proxied,
 * or when it is not proxied and no fleet service waits for its certificate.
 * The zone's `ssl` setting must be `strict`: Cloudflare then verifies the
 * origin's certificate instead of accepting any.
 */
import { configSetCommand } from "../../stacks/stack-command";
import type { FleetPolicy } from "../lib/define";
import { TYPES } from "../lib/stack-view";

export const dnsProxiedFullStrict: FleetPolicy = {
  name: "production-dns-proxied-full-strict",
  description: "Production DNS records are proxied by Cloudflare and the zone's SSL mode is Full (strict).",
  check(view, report) {
    if (view.tier !== "production") return;
    const records = view.resources.filter((r) => r.type === TYPES.dnsRecord);
    for (const record of records) {
      const service = view.serviceOf(record);
      const hostname = typeof record.props["name"] === "string" ? record.props["name"] : record.name;
      const proxied = record.props["proxied"];
      if (service?.declared.proxied === false) {
        report(`DNS record ${hostname} of ${service.app} is not proxied in production stack '${view.stack}' (fleet:proxied is false): traffic bypasses Cloudflare's TLS, caching and Access. ${configSetCommand(view.stack, "fleet:proxied", "true")}`, record.urn);
      } else if (proxied === false && service?.declared.proxied !== true) {
        report(`DNS record ${hostname} is not proxied in production stack '${view.stack}': set proxied: true on it`, record.urn);
      }
    }
    if (records.length === 0) return;
    const ssl = view.resources.filter((r) => r.type === TYPES.zoneSetting && r.props["settingId"] === "ssl");
    if (ssl.length === 0) {
      report(`production stack '${view.stack}' has DNS records but does not manage the zone's SSL mode: it must be Full (strict) (components/cloudflare/zone-settings.ts)`);
    }
    for (const setting of ssl) {
      const value = setting.props["value"];
      if (value !== undefined && value !== "strict") {
        report(`the zone's SSL mode is '${String(value)}' in production stack '${view.stack}': it must be 'strict' (Full (strict)), so Cloudflare verifies the origin's certificate`, setting.urn);
      }
    }
  },
};
