/** Log drains: at most 5 per app, one per URL; Heroku assigns the `d.<uuid>` token. */
import { invalidParams, notFound } from "../errors";
import { objectBody, requiredString } from "../http/body";
import { paginate } from "../http/range";
import { json, type Router } from "../http/router";
import type { AppRecord, DrainRecord, World } from "../state";

const DRAIN_URL_RE = /^(syslog|syslog\+tls|https?):\/\/[^\s/]+/;
export const MAX_DRAINS = 5;

export function createDrain(world: World, app: AppRecord, url: string): DrainRecord {
  if (!DRAIN_URL_RE.test(url)) throw invalidParams("Url is invalid: use syslog://, syslog+tls://, https:// or http://.");
  const drains = [...world.drains.values()].filter((d) => d.appId === app.id);
  if (drains.some((d) => d.url === url)) throw invalidParams("Url has already been taken.");
  if (drains.length >= MAX_DRAINS) throw invalidParams(`An app may have at most ${MAX_DRAINS} log drains.`);
  const now = world.now();
  const drain: DrainRecord = { id: world.uuid(), appId: app.id, url, token: `d.${world.uuid()}`, addonId: null, createdAt: now, updatedAt: now };
  world.drains.set(drain.id, drain);
  return drain;
}

export function renderDrain(world: World, drain: DrainRecord): Record<string, unknown> {
  const addon = drain.addonId ? world.addons.get(drain.addonId) : undefined;
  return {
    addon: addon ? { id: addon.id, name: addon.name } : null,
    created_at: drain.createdAt,
    id: drain.id,
    token: drain.token,
    updated_at: drain.updatedAt,
    url: drain.url,
  };
}

function findDrain(world: World, app: AppRecord, key: string): DrainRecord {
  for (const drain of world.drains.values()) {
    if (drain.appId === app.id && (drain.id === key || drain.url === key || drain.token === key)) return drain;
  }
  throw notFound("Couldn't find that log drain.");
}

export function drainRoutes(router: Router): void {
  router
    .post("/apps/:app/log-drains", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      return json(201, renderDrain(ctx.world, createDrain(ctx.world, app, requiredString(objectBody(ctx), "url"))));
    })
    .get("/apps/:app/log-drains", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const drains = [...ctx.world.drains.values()].filter((d) => d.appId === app.id);
      return paginate(ctx, ctx.world.settings, drains, { id: (d) => d.id, url: (d) => d.url }, (d) => renderDrain(ctx.world, d));
    })
    .get("/apps/:app/log-drains/:drain", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      return json(200, renderDrain(ctx.world, findDrain(ctx.world, app, ctx.params["drain"] ?? "")));
    })
    .delete("/apps/:app/log-drains/:drain", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const drain = findDrain(ctx.world, app, ctx.params["drain"] ?? "");
      if (drain.addonId) throw invalidParams("This drain is managed by an add-on; remove the add-on instead.");
      ctx.world.drains.delete(drain.id);
      return json(200, renderDrain(ctx.world, drain));
    });
}
