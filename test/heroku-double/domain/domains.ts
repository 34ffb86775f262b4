/**
 * Custom domains: `hostname` and `sni_endpoint` keys are both required, a
 * hostname belongs to one app, `cname` is the DNS target
 * (`<random>.herokudns.com`), `status` and `acm_status` progress over time.
 */
import { invalidParams, notFound } from "../errors";
import { objectBody } from "../http/body";
import { paginate } from "../http/range";
import { json, type Router } from "../http/router";
import type { AppRecord, DomainRecord, World } from "../state";
import { scheduleCertificate } from "./apps";
import { appRef } from "./shared";

const HOSTNAME_RE = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function createDomain(world: World, app: AppRecord, hostname: string, sniEndpoint: string | null): DomainRecord {
  if (!HOSTNAME_RE.test(hostname) || hostname.length > 253) throw invalidParams(`Hostname ${hostname} is invalid.`);
  if (hostname.endsWith(".herokuapp.com") || hostname.endsWith(".herokudns.com")) {
    throw invalidParams(`Hostname ${hostname} is reserved by Heroku.`);
  }
  if (sniEndpoint !== null) throw invalidParams(`Couldn't find SNI endpoint ${sniEndpoint} (the double has none; send null with ACM).`);
  for (const domain of world.domains.values()) {
    if (domain.hostname === hostname) throw invalidParams(`${hostname} is currently in use by another app.`);
  }
  const count = [...world.domains.values()].filter((d) => d.appId === app.id && d.kind === "custom").length;
  if (count >= 1000) throw invalidParams("An app may have at most 1,000 custom domains.");
  const now = world.now();
  const domain: DomainRecord = {
    id: world.uuid(),
    appId: app.id,
    hostname,
    kind: "custom",
    cname: `${world.ids.pick(["animate", "aqueous", "fluffy", "polar", "shallow", "tubular"])}-${world.ids.pick(["oak", "fjord", "shelf", "pond", "lynx"])}-${world.ids.hex(16)}.herokudns.com`,
    status: "pending",
    acmStatus: app.acm ? "pending" : null,
    acmStatusReason: null,
    sniEndpoint: null,
    createdAt: now,
    updatedAt: now,
  };
  world.domains.set(domain.id, domain);
  world.schedule(world.timing.domainStatus, domain.id, `domain ${hostname}`, () => {
    domain.status = "succeeded";
    domain.updatedAt = world.now();
  });
  if (app.acm) scheduleCertificate(world, domain.id);
  return domain;
}

export function renderDomain(world: World, domain: DomainRecord): Record<string, unknown> {
  const app = world.apps.get(domain.appId);
  return {
    acm_status: domain.acmStatus,
    acm_status_reason: domain.acmStatusReason,
    app: app ? appRef(app) : { id: domain.appId, name: null },
    cname: domain.cname,
    created_at: domain.createdAt,
    hostname: domain.hostname,
    id: domain.id,
    kind: domain.kind,
    sni_endpoint: domain.sniEndpoint,
    status: domain.status,
    updated_at: domain.updatedAt,
  };
}

export function findDomain(world: World, app: AppRecord, idOrHostname: string): DomainRecord {
  for (const domain of world.domains.values()) {
    if (domain.appId === app.id && (domain.id === idOrHostname || domain.hostname === idOrHostname)) return domain;
  }
  throw notFound("Couldn't find that domain.");
}

export function domainRoutes(router: Router): void {
  router
    .post("/apps/:app/domains", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const body = objectBody(ctx);
      const missing = ["hostname", "sni_endpoint"].filter((k) => !(k in body));
      if (missing.length > 0) throw invalidParams(`Missing required params: ${missing.join(", ")}.`);
      const hostname = body["hostname"];
      const sni = body["sni_endpoint"];
      if (typeof hostname !== "string") throw invalidParams("Invalid hostname provided: expected a string.");
      if (sni !== null && typeof sni !== "string") throw invalidParams("Invalid sni_endpoint provided: expected a string or null.");
      return json(201, renderDomain(ctx.world, createDomain(ctx.world, app, hostname, sni)));
    })
    .get("/apps/:app/domains", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const domains = [...ctx.world.domains.values()].filter((d) => d.appId === app.id);
      return paginate(ctx, ctx.world.settings, domains, { id: (d) => d.id, hostname: (d) => d.hostname }, (d) => renderDomain(ctx.world, d));
    })
    .get("/apps/:app/domains/:domain", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      return json(200, renderDomain(ctx.world, findDomain(ctx.world, app, ctx.params["domain"] ?? "")));
    })
    .patch("/apps/:app/domains/:domain", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const domain = findDomain(ctx.world, app, ctx.params["domain"] ?? "");
      const body = objectBody(ctx);
      if (!("sni_endpoint" in body)) throw invalidParams("Missing required params: sni_endpoint.");
      if (body["sni_endpoint"] !== null) throw invalidParams("Couldn't find that SNI endpoint (the double has none).");
      domain.sniEndpoint = null;
      domain.updatedAt = ctx.world.now();
      return json(200, renderDomain(ctx.world, domain));
    })
    .delete("/apps/:app/domains/:domain", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const domain = findDomain(ctx.world, app, ctx.params["domain"] ?? "");
      if (domain.kind === "heroku") throw invalidParams("The default herokuapp.com domain cannot be removed.");
      ctx.world.domains.delete(domain.id);
      return json(200, renderDomain(ctx.world, domain));
    });
}
