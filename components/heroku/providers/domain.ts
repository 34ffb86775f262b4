/**
 * Dynamic provider of a custom domain (`POST /apps/{app}/domains`) served
 * with Heroku ACM (`sni_endpoint: null`). Its `cname` is the DNS target the
 * Cloudflare record points at; creation waits until Heroku has assigned it.
 * Hostnames are global on Heroku: a change replaces the domain, removing the
 * old one first. The hostname already on this app (left by a create that
 * failed after Heroku made it) is taken back.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { herokuClient, seg, type HerokuClient } from "../client";
import { pollInterval, waitTimeout } from "../env";
import { pollUntil } from "../poll";
import { checkInputs, compact, createOrTakeBack, failure, mineOnly, parseProps, step, unknownDiff, type Claim } from "../provider-kit";
import { domainSchema, type DomainBody } from "../schemas";

const domainInputs = () => z.object({ app: z.string().min(1), hostname: z.string().min(1) });
export type DomainInputs = z.infer<ReturnType<typeof domainInputs>>;

const domainOutputs = () =>
  z.object({
    app: z.string(),
    appId: z.string(),
    domainId: z.string(),
    hostname: z.string(),
    cname: z.string(),
    acmStatus: z.string().optional(),
    /** ACM has issued a certificate for it at least once (sticky: a renewal in trouble does not reset it). */
    certificateIssued: z.boolean(),
    status: z.string(),
  });
export type DomainOutputs = z.infer<ReturnType<typeof domainOutputs>>;

const CNAME_POLL_MS = 2_000;
const CNAME_TIMEOUT_MS = 2 * 60_000;

export const domainProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: unknown) {
    return checkInputs(domainInputs(), news, (inputs) => {
      const host = inputs.hostname;
      const valid = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(host) && host.length <= 253;
      if (!valid) return [failure("hostname", `"${host}" is not a lowercase DNS hostname such as shop.example.com.`)];
      if (/\.(herokuapp|herokudns)\.com$/.test(host)) return [failure("hostname", `${host} belongs to Heroku; use your own domain.`)];
      return [];
    });
  },

  async diff(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const pending = unknownDiff(newInputs, ["app", "hostname"]);
    if (pending) return pending;
    const olds = parseProps("Domain", domainOutputs(), oldOutputs);
    const news = parseProps("Domain", domainInputs(), newInputs);
    const replaces: string[] = [];
    if (news.app !== olds.app && news.app !== olds.appId) replaces.push("app");
    if (news.hostname !== olds.hostname) replaces.push("hostname");
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async create(rawInputs: unknown) {
    const inputs = parseProps("Domain", domainInputs(), rawInputs);
    const api = herokuClient();
    const outs = await step(`Adding domain ${inputs.hostname} to app ${inputs.app}`, async () => {
      // Heroku says "in use by another app" even when this app has it: look on this app before believing it.
      const lookup = async (): Promise<Claim<DomainBody>> => {
        const found = await api.find(`/apps/${seg(inputs.app)}/domains/${seg(inputs.hostname)}`, domainSchema());
        return found ? { mine: found } : undefined;
      };
      const domain = await createOrTakeBack(
        api,
        `domain ${inputs.hostname} on app ${inputs.app}`,
        () =>
          api.request("POST", `/apps/${seg(inputs.app)}/domains`, {
            body: { hostname: inputs.hostname, sni_endpoint: null },
            schema: domainSchema(),
            recover: mineOnly(lookup),
            hint: `A hostname belongs to one Heroku app: if another app has ${inputs.hostname}, remove it there first (heroku domains:remove ${inputs.hostname} --app <that app>).`,
          }),
        lookup,
      );
      return domainOuts(inputs.app, await waitForCname(api, inputs.app, domain), false);
    });
    return { id: outs.domainId, outs };
  },

  async read(id: string, props: unknown) {
    const olds = parseProps("Domain", domainOutputs().partial(), props);
    const app = olds.appId ?? olds.app;
    if (app === undefined) return { id: "" };
    const api = herokuClient();
    return step(`Reading domain ${olds.hostname ?? id}`, async () => {
      const domain = await api.find(`/apps/${seg(app)}/domains/${seg(id)}`, domainSchema());
      return domain ? { id: domain.id, props: domainOuts(olds.app ?? app, domain, olds.certificateIssued ?? false) } : { id: "" };
    });
  },

  async update(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const olds = parseProps("Domain", domainOutputs(), oldOutputs);
    const news = parseProps("Domain", domainInputs(), newInputs);
    return { outs: { ...olds, app: news.app } };
  },

  async delete(id: string, props: unknown) {
    const olds = parseProps("Domain", domainOutputs().partial(), props);
    const app = olds.appId ?? olds.app;
    if (app === undefined) return;
    const api = herokuClient();
    await step(`Removing domain ${olds.hostname ?? id}`, () => api.remove(`/apps/${seg(app)}/domains/${seg(id)}`));
  },
};

async function waitForCname(api: HerokuClient, app: string, domain: DomainBody): Promise<DomainBody> {
  if (domain.cname) return domain;
  return pollUntil({
    what: `DNS target of domain ${domain.hostname}`,
    read: () => api.get(`/apps/${seg(app)}/domains/${seg(domain.id)}`, domainSchema()),
    state: (d) => (d.cname ? "assigned" : "not assigned yet"),
    done: (d) => Boolean(d.cname),
    intervalMs: pollInterval(CNAME_POLL_MS),
    timeoutMs: waitTimeout(CNAME_TIMEOUT_MS),
    log: api.log,
  });
}

function domainOuts(app: string, domain: DomainBody, issuedBefore: boolean): DomainOutputs {
  return compact({
    app,
    appId: domain.app.id,
    domainId: domain.id,
    hostname: domain.hostname,
    cname: domain.cname ?? "",
    acmStatus: domain.acm_status,
    certificateIssued: issuedBefore || (domain.acm_status ?? "").toLowerCase() === "cert issued",
    status: domain.status,
  });
}
