/**
 * Apps: create (personal and team), info, update, delete (cascading to the
 * add-ons billed to the app), ACM, features.
 */
import { ApiError, invalidParams, notFound } from "../errors";
import { objectBody, optionalBoolean, optionalString, type JsonObject } from "../http/body";
import { paginate } from "../http/range";
import { json, type Router } from "../http/router";
import { randomAppName } from "../random";
import type { AppRecord, World } from "../state";
import { deleteAddon } from "./addons";
import { createRelease } from "./releases";
import { namedRef, REGIONS, RETIRED_STACKS, STACKS, userRef } from "./shared";

export const APP_NAME_RE = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;

const FEATURES: ReadonlyArray<{ name: string; displayName: string; description: string; state: string }> = [
  { name: "preboot", displayName: "Preboot", description: "Provide seamless web dyno deploys.", state: "general" },
  {
    name: "runtime-dyno-metadata",
    displayName: "Runtime Dyno Metadata",
    description: "Provide information about the app and environment at runtime.",
    state: "beta",
  },
  { name: "log-runtime-metrics", displayName: "Log Runtime Metrics", description: "Emit dyno resource usage to logs.", state: "beta" },
  {
    name: "http-session-affinity",
    displayName: "HTTP Session Affinity",
    description: "Route requests of a session to the same dyno.",
    state: "general",
  },
  {
    name: "runtime-heroku-metrics",
    displayName: "Heroku Metrics",
    description: "Emit language metrics for the dashboard.",
    state: "general",
  },
];

export interface CreateAppInput {
  name?: string | undefined;
  region?: string | undefined;
  stack?: string | undefined;
  team?: string | undefined;
  locked?: boolean | undefined;
  internalRouting?: boolean | undefined;
  featureFlags?: readonly string[] | undefined;
  /** Seeding only: when the app was made (ISO time). @default now */
  createdAt?: string | undefined;
}

export function validateAppName(name: string): void {
  if (!APP_NAME_RE.test(name)) {
    throw invalidParams(
      "Name must start with a letter, end with a letter or digit and can only contain lowercase letters, digits, and dashes.",
    );
  }
  if (name.length > 30) throw invalidParams("Name is too long (maximum is 30 characters)");
}

function validateStack(stack: string): void {
  if ((RETIRED_STACKS as readonly string[]).includes(stack)) {
    throw invalidParams(`Stack ${stack} has reached end-of-life and cannot be used for new builds.`);
  }
  if (!(STACKS as readonly string[]).includes(stack)) throw notFound("Couldn't find that stack.");
}

export function createApp(world: World, input: CreateAppInput): AppRecord {
  let name = input.name;
  if (name === undefined) {
    do name = randomAppName(world.ids);
    while (world.findApp(name));
  }
  validateAppName(name);
  world.assertAppNameFree(name);
  const region = input.region ?? "us";
  if (!(REGIONS as readonly string[]).includes(region)) throw notFound("Couldn't find that region.");
  const stack = input.stack ?? "heroku-24";
  validateStack(stack);
  let team: AppRecord["team"] = null;
  if (input.team !== undefined) {
    const found = world.teams.get(input.team) ?? [...world.teams.values()].find((t) => t.id === input.team);
    if (!found) throw notFound("Couldn't find that team.");
    team = found;
  }
  const features = new Map<string, boolean>(FEATURES.map((f) => [f.name, false]));
  for (const flag of input.featureFlags ?? []) {
    if (!features.has(flag)) throw invalidParams(`Unknown feature flag: ${flag}.`);
    features.set(flag, true);
  }
  const now = world.now();
  const app: AppRecord = {
    id: world.uuid(),
    name,
    region,
    stack,
    buildStack: stack,
    team,
    locked: input.locked ?? false,
    internalRouting: input.internalRouting ?? false,
    maintenance: false,
    acm: false,
    webUrlHash: world.ids.hex(12),
    createdAt: input.createdAt ?? now,
    updatedAt: now,
    releasedAt: null,
    userConfig: new Map(),
    features,
    formation: new Map(),
    nextReleaseVersion: 1,
    deployedOnce: false,
  };
  world.apps.set(app.id, app);
  const herokuDomainId = world.uuid();
  world.domains.set(herokuDomainId, {
    id: herokuDomainId,
    appId: app.id,
    hostname: herokuHostname(app),
    kind: "heroku",
    cname: null,
    status: "none",
    acmStatus: null,
    acmStatusReason: null,
    sniEndpoint: null,
    createdAt: now,
    updatedAt: now,
  });
  createRelease(world, app, { description: "Initial release" });
  createRelease(world, app, { description: "Enable Logplex" });
  return app;
}

export function herokuHostname(app: AppRecord): string {
  return `${app.name}-${app.webUrlHash}.herokuapp.com`;
}

export function webUrl(app: AppRecord): string {
  return `https://${herokuHostname(app)}/`;
}

export function renderApp(world: World, app: AppRecord): Record<string, unknown> {
  const slug = world.currentSlug(app.id);
  return {
    acm: app.acm,
    archived_at: null,
    buildpack_provided_description: slug ? "Node.js" : null,
    build_stack: namedRef("stack", app.buildStack),
    created_at: app.createdAt,
    git_url: `https://git.heroku.com/${app.name}.git`,
    id: app.id,
    internal_routing: app.internalRouting,
    maintenance: app.maintenance,
    name: app.name,
    owner: userRef(world),
    organization: app.team ? { ...app.team } : null,
    team: app.team ? { ...app.team } : null,
    region: namedRef("region", app.region),
    released_at: app.releasedAt,
    repo_size: null,
    slug_size: slug ? slug.size : null,
    space: null,
    stack: namedRef("stack", app.stack),
    updated_at: app.updatedAt,
    web_url: webUrl(app),
  };
}

/** A team app as `/teams/apps` shows it: no `acm` or `organization`, the team by name only. */
function renderTeamApp(world: World, app: AppRecord): Record<string, unknown> {
  const { acm: _acm, organization: _organization, team: _team, space: _space, ...common } = renderApp(world, app);
  return { ...common, joined: false, locked: app.locked, space: null, team: app.team ? { name: app.team.name } : null };
}

export interface UpdateAppInput {
  name?: string | undefined;
  maintenance?: boolean | undefined;
  buildStack?: string | undefined;
}

export function updateApp(world: World, app: AppRecord, input: UpdateAppInput): AppRecord {
  if (input.name !== undefined && input.name !== app.name) {
    validateAppName(input.name);
    world.assertAppNameFree(input.name, app.id);
    app.name = input.name;
    for (const domain of world.domains.values()) {
      if (domain.appId === app.id && domain.kind === "heroku") domain.hostname = herokuHostname(app);
    }
  }
  if (input.maintenance !== undefined) app.maintenance = input.maintenance;
  if (input.buildStack !== undefined) {
    validateStack(input.buildStack);
    app.buildStack = input.buildStack;
  }
  app.updatedAt = world.now();
  return app;
}

/** Delete an app and everything that lives in it; add-ons billed to it are destroyed too. */
export function deleteApp(world: World, app: AppRecord): void {
  for (const addon of [...world.addons.values()]) if (addon.appId === app.id) deleteAddon(world, addon, { immediate: true });
  for (const attachment of world.appAttachments(app.id)) world.attachments.delete(attachment.id);
  const owned = <T extends { appId: string }>(map: Map<string, T>): void => {
    for (const [key, value] of map) if (value.appId === app.id) map.delete(key);
  };
  owned(world.domains);
  owned(world.drains);
  owned(world.couplings);
  owned(world.schedulerJobs);
  owned(world.builds);
  owned(world.releases);
  owned(world.slugs);
  owned(world.dynos);
  owned(world.logSessions);
  world.logs.delete(app.id);
  world.apps.delete(app.id);
}

function setAcm(world: World, app: AppRecord, enabled: boolean): void {
  if (enabled) {
    const eco = [...app.formation.values()].some((f) => f.size === "Eco");
    if (eco) throw invalidParams("Automated Certificate Management is not available for apps on Eco dynos.");
  }
  app.acm = enabled;
  app.updatedAt = world.now();
  for (const domain of world.domains.values()) {
    if (domain.appId !== app.id || domain.kind !== "custom") continue;
    if (!enabled) {
      domain.acmStatus = null;
      domain.acmStatusReason = null;
      continue;
    }
    domain.acmStatus = "pending";
    scheduleCertificate(world, domain.id);
  }
}

export function scheduleCertificate(world: World, domainId: string): void {
  world.schedule(world.timing.acmIssue, domainId, `acm ${domainId}`, () => {
    const domain = world.domains.get(domainId);
    const app = domain ? world.apps.get(domain.appId) : undefined;
    if (!domain || !app?.acm) return;
    domain.acmStatus = "cert issued";
    domain.updatedAt = world.now();
  });
}

function renderFeature(app: AppRecord, name: string): Record<string, unknown> {
  const feature = FEATURES.find((f) => f.name === name);
  if (!feature) throw notFound("Couldn't find that feature.");
  return {
    created_at: app.createdAt,
    description: feature.description,
    display_name: feature.displayName,
    doc_url: `https://devcenter.heroku.com/articles/${feature.name}`,
    enabled: app.features.get(feature.name) ?? false,
    feedback_email: "feedback@heroku.com",
    id: namedRef("feature", feature.name).id,
    name: feature.name,
    state: feature.state,
    updated_at: app.updatedAt,
  };
}

/** Fields and types are checked against links.ts before a handler runs. */
function readCreateInput(body: JsonObject): CreateAppInput {
  const flags = body["feature_flags"];
  return {
    name: optionalString(body, "name"),
    region: optionalString(body, "region"),
    stack: optionalString(body, "stack"),
    featureFlags: Array.isArray(flags) ? flags.filter((f): f is string => typeof f === "string") : undefined,
  };
}

export function appRoutes(router: Router): void {
  router
    .post("/apps", (ctx) => json(201, renderApp(ctx.world, createApp(ctx.world, readCreateInput(objectBody(ctx))))))
    .get("/apps", (ctx) =>
      paginate(ctx, ctx.world.settings, [...ctx.world.apps.values()], { id: (a) => a.id, name: (a) => a.name }, (a) =>
        renderApp(ctx.world, a),
      ),
    )
    .get("/apps/:app", (ctx) => json(200, renderApp(ctx.world, ctx.world.app(ctx.params["app"] ?? ""))))
    .patch("/apps/:app", (ctx) => {
      const body = objectBody(ctx);
      const app = ctx.world.app(ctx.params["app"] ?? "");
      updateApp(ctx.world, app, {
        name: optionalString(body, "name"),
        maintenance: optionalBoolean(body, "maintenance"),
        buildStack: optionalString(body, "build_stack"),
      });
      return json(200, renderApp(ctx.world, app));
    })
    .delete("/apps/:app", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const rendered = renderApp(ctx.world, app);
      deleteApp(ctx.world, app);
      return json(200, rendered);
    })
    .post("/teams/apps", (ctx) => {
      const body = objectBody(ctx);
      const personal = optionalBoolean(body, "personal") ?? false;
      const team = optionalString(body, "team");
      if (!personal && team === undefined) throw invalidParams("Missing required params: team.");
      const app = createApp(ctx.world, {
        ...readCreateInput(body),
        team: personal ? undefined : team,
        locked: optionalBoolean(body, "locked"),
        internalRouting: optionalBoolean(body, "internal_routing"),
      });
      return json(201, renderTeamApp(ctx.world, app));
    })
    .get("/teams/apps/:app", (ctx) => json(200, renderTeamApp(ctx.world, ctx.world.app(ctx.params["app"] ?? ""))))
    .patch("/teams/apps/:app", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const locked = optionalBoolean(objectBody(ctx), "locked");
      if (locked === undefined) throw invalidParams("Missing required params: locked.");
      if (!app.team) throw invalidParams("Only team apps can be locked.");
      app.locked = locked;
      app.updatedAt = ctx.world.now();
      return json(200, renderTeamApp(ctx.world, app));
    })
    .get("/teams/:team/apps", (ctx) => {
      const team = ctx.world.teams.get(ctx.params["team"] ?? "");
      if (!team) throw notFound("Couldn't find that team.");
      const apps = [...ctx.world.apps.values()].filter((a) => a.team?.id === team.id);
      return paginate(ctx, ctx.world.settings, apps, { id: (a) => a.id, name: (a) => a.name }, (a) =>
        renderTeamApp(ctx.world, a),
      );
    })
    .post("/apps/:app/acm", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      setAcm(ctx.world, app, true);
      return json(200, renderApp(ctx.world, app));
    })
    .patch("/apps/:app/acm", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      if (!app.acm) throw new ApiError(422, "invalid_params", "ACM is not enabled for this app.");
      return json(200, renderApp(ctx.world, app));
    })
    .delete("/apps/:app/acm", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      setAcm(ctx.world, app, false);
      return json(200, renderApp(ctx.world, app));
    })
    .get("/apps/:app/features", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      return paginate(ctx, ctx.world.settings, [...app.features.keys()], { id: (n) => namedRef("feature", n).id, name: (n) => n }, (n) =>
        renderFeature(app, n),
      );
    })
    .get("/apps/:app/features/:feature", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      return json(200, renderFeature(app, featureName(ctx.params["feature"] ?? "")));
    })
    .patch("/apps/:app/features/:feature", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const name = featureName(ctx.params["feature"] ?? "");
      const enabled = optionalBoolean(objectBody(ctx), "enabled");
      if (enabled === undefined) throw invalidParams("Missing required params: enabled.");
      app.features.set(name, enabled);
      app.updatedAt = ctx.world.now();
      return json(200, renderFeature(app, name));
    })
    .get("/account", (ctx) => json(200, { ...userRef(ctx.world), name: "Fleet CI", verified: true }))
    .get("/account/rate-limits", (ctx) => json(200, { remaining: ctx.world.rateLimitRemaining() }));
}

function featureName(idOrName: string): string {
  const feature = FEATURES.find((f) => f.name === idOrName || namedRef("feature", f.name).id === idOrName);
  if (!feature) throw notFound("Couldn't find that feature.");
  return feature.name;
}
