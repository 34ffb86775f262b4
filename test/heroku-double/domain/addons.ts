/**
 * Add-ons and attachments. An add-on is created `provisioning`, becomes
 * `provisioned` after `timing.addonProvision`, and its config vars reach the
 * attached apps a little later (`timing.addonConfigVars`) — clients must
 * wait for both. Each attachment exposes `<NAME>_<SUFFIX>` on its app.
 */
import { ApiError, invalidParams, notFound } from "../errors";
import { isObject, objectBody, optionalString, optionalStringMap, requiredString } from "../http/body";
import { paginate } from "../http/range";
import { json, type Router } from "../http/router";
import { POSTGRES_COLORS, randomAddonName, stableId } from "../random";
import type { AddonRecord, AppRecord, AttachmentRecord, World } from "../state";
import { createRelease } from "./releases";
import { appRef, namedRef } from "./shared";

interface ServiceSpec {
  readonly name: string;
  readonly namePrefix: string;
  /** Plan name → monthly price in cents. */
  readonly plans: Readonly<Record<string, number>>;
  readonly defaultPlan: string;
  readonly defaultAttachment: string;
  /** `HEROKU_POSTGRESQL` for `HEROKU_POSTGRESQL_<COLOR>` names; null when the service has none. */
  readonly colorPrefix: string | null;
  /** Whether the colour name is attached alongside the default one (Postgres) or only instead of a taken default (Redis). */
  readonly colorAlias: boolean;
  /** Var suffixes each attachment exposes (`URL` → `DATABASE_URL`). */
  readonly varSuffixes: readonly string[];
  readonly kind: "postgres" | "redis" | "token" | "none";
  /** At most one per app (Scheduler). */
  readonly singleton: boolean;
}

export const SERVICES: Readonly<Record<string, ServiceSpec>> = {
  "heroku-postgresql": {
    name: "heroku-postgresql",
    namePrefix: "postgresql",
    plans: {
      "essential-0": 500,
      "essential-1": 900,
      "essential-2": 2000,
      "standard-0": 5000,
      "standard-2": 20000,
      "standard-3": 40000,
      "premium-0": 20000,
      "premium-2": 35000,
    },
    defaultPlan: "essential-0",
    defaultAttachment: "DATABASE",
    colorPrefix: "HEROKU_POSTGRESQL",
    colorAlias: true,
    varSuffixes: ["URL"],
    kind: "postgres",
    singleton: false,
  },
  "heroku-redis": {
    name: "heroku-redis",
    namePrefix: "redis",
    plans: { mini: 300, "premium-0": 1500, "premium-1": 3000, "premium-2": 6000, "premium-3": 12000, "premium-5": 20000 },
    defaultPlan: "mini",
    defaultAttachment: "REDIS",
    colorPrefix: "HEROKU_REDIS",
    colorAlias: false,
    varSuffixes: ["URL"],
    kind: "redis",
    singleton: false,
  },
  scheduler: {
    name: "scheduler",
    namePrefix: "scheduler",
    plans: { standard: 0 },
    defaultPlan: "standard",
    defaultAttachment: "SCHEDULER",
    colorPrefix: null,
    colorAlias: false,
    varSuffixes: [],
    kind: "none",
    singleton: true,
  },
  papertrail: {
    name: "papertrail",
    namePrefix: "papertrail",
    plans: { choklad: 0, fixa: 700, volmar: 1400, ludvig: 1800 },
    defaultPlan: "choklad",
    defaultAttachment: "PAPERTRAIL",
    colorPrefix: null,
    colorAlias: false,
    varSuffixes: ["API_TOKEN"],
    kind: "token",
    singleton: false,
  },
  // Its attachment is NEW_RELIC, so its vars are NEW_RELIC_LICENSE_KEY and NEW_RELIC_LOG.
  newrelic: {
    name: "newrelic",
    namePrefix: "newrelic",
    plans: { wayne: 0 },
    defaultPlan: "wayne",
    defaultAttachment: "NEW_RELIC",
    colorPrefix: null,
    colorAlias: false,
    varSuffixes: ["LICENSE_KEY", "LOG"],
    kind: "none",
    singleton: false,
  },
};

export const ADDON_NAME_RE = /^[a-zA-Z][A-Za-z0-9_-]+$/;
export const ATTACHMENT_NAME_RE = /^[A-Z][A-Z0-9_]*$/;

export function serviceOf(addon: AddonRecord): ServiceSpec {
  const spec = SERVICES[addon.service];
  if (!spec) throw new Error(`unknown service ${addon.service}`);
  return spec;
}

export function planId(service: string, plan: string): string {
  return stableId(`plan:${service}:${plan}`);
}

/** `heroku-postgresql:standard-0`, `heroku-redis` (default plan) or a plan UUID. */
export function resolvePlan(value: string): { service: ServiceSpec; plan: string } {
  for (const service of Object.values(SERVICES)) {
    for (const plan of Object.keys(service.plans)) if (planId(service.name, plan) === value) return { service, plan };
  }
  const [serviceName = "", planName] = value.split(":");
  const service = SERVICES[serviceName];
  const plan = planName ?? service?.defaultPlan;
  if (!service || plan === undefined || !(plan in service.plans)) {
    throw invalidParams(`Couldn't find either the add-on service or the add-on plan of "${value}".`);
  }
  return { service, plan };
}

export function isEssentialPlan(plan: string): boolean {
  return /^(essential|mini|basic|hobby)/.test(plan);
}

function validateAttachmentName(name: string): void {
  if (!ATTACHMENT_NAME_RE.test(name)) {
    throw invalidParams(`Name "${name}" is invalid: use uppercase letters, digits and underscores, starting with a letter.`);
  }
}

function attachmentNamed(world: World, appId: string, name: string): AttachmentRecord | undefined {
  return world.appAttachments(appId).find((a) => a.name === name);
}

function pickColor(world: World, app: AppRecord, service: ServiceSpec): string | null {
  if (!service.colorPrefix) return null;
  const used = new Set(world.appAttachments(app.id).map((a) => a.name));
  const free = POSTGRES_COLORS.filter((c) => !used.has(`${service.colorPrefix}_${c}`));
  return free.length > 0 ? world.ids.pick(free) : world.ids.hex(6).toUpperCase();
}

function defaultAttachmentNames(world: World, app: AppRecord, service: ServiceSpec, color: string | null): string[] {
  const names: string[] = [];
  const defaultFree = !attachmentNamed(world, app.id, service.defaultAttachment);
  if (defaultFree) names.push(service.defaultAttachment);
  if (service.colorPrefix && color && (service.colorAlias || !defaultFree)) names.push(`${service.colorPrefix}_${color}`);
  if (names.length === 0) {
    throw invalidParams(`${service.defaultAttachment} is already attached to ${app.name}; choose another attachment name.`);
  }
  return names;
}

export interface CreateAddonInput {
  plan: string;
  name?: string | undefined;
  attachmentName?: string | undefined;
  config?: Record<string, string> | undefined;
}

export function createAddon(world: World, app: AppRecord, input: CreateAddonInput): AddonRecord {
  const { service, plan } = resolvePlan(input.plan);
  let name = input.name;
  if (name !== undefined) {
    if (!ADDON_NAME_RE.test(name)) throw invalidParams(`Name "${name}" is invalid.`);
    if (world.findAddon(name)) throw invalidParams(`Name ${name} is already taken.`);
  } else {
    do name = randomAddonName(world.ids, service.namePrefix);
    while (world.findAddon(name));
  }
  if (service.singleton && [...world.addons.values()].some((a) => a.appId === app.id && a.service === service.name)) {
    throw invalidParams(`${app.name} already has the ${service.name} add-on; only one is allowed per app.`);
  }
  if (input.attachmentName !== undefined) {
    validateAttachmentName(input.attachmentName);
    if (attachmentNamed(world, app.id, input.attachmentName)) {
      throw invalidParams(`An attachment named ${input.attachmentName} already exists on ${app.name}.`);
    }
  }
  const color = pickColor(world, app, service);
  const attachmentNames = input.attachmentName !== undefined ? [input.attachmentName] : defaultAttachmentNames(world, app, service, color);
  const now = world.now();
  const addon: AddonRecord = {
    id: world.uuid(),
    name,
    appId: app.id,
    service: service.name,
    plan,
    state: "provisioning",
    varsReady: false,
    config: { ...(input.config ?? {}) },
    color,
    providerId: `resource${world.ids.digits(8)}@heroku.com`,
    resource: {
      host: service.kind === "redis" ? `ec2-${world.ids.digits(2)}-${world.ids.digits(3)}.compute-1.amazonaws.com` : `c${world.ids.hex(10)}.cluster-${world.ids.hex(8)}.us-east-1.rds.amazonaws.com`,
      port: service.kind === "redis" ? 10000 + world.ids.int(50000) : 5432,
      database: `d${world.ids.hex(13)}`,
      secret: `p${world.ids.hex(63)}`,
    },
    createdAt: now,
    updatedAt: now,
  };
  world.addons.set(addon.id, addon);
  for (const attachmentName of attachmentNames) addAttachment(world, addon, app, attachmentName, null);
  if (service.kind === "postgres") {
    world.pgCredentials.set(
      addon.id,
      new Map([
        [
          "default",
          {
            uuid: world.uuid(),
            addonId: addon.id,
            name: "default",
            state: "active",
            user: `u${world.ids.hex(13)}`,
            password: addon.resource.secret,
            previous: null,
            rotations: 0,
            createdAt: now,
          },
        ],
      ]),
    );
  }
  if (service.kind === "redis") {
    world.redisConfigs.set(addon.id, { maxmemory_policy: "noeviction", timeout: 300, notify_keyspace_events: "" });
  }
  const failure = world.takePlannedFailure(world.planned.provisionFailures, app);
  world.schedule(world.timing.addonProvision, addon.id, `provision ${addon.name}`, () => {
    if (!world.addons.has(addon.id) || addon.state !== "provisioning") return;
    addon.updatedAt = world.now();
    if (failure) {
      addon.state = "deprovisioned";
      return;
    }
    addon.state = "provisioned";
    world.schedule(world.timing.addonConfigVars, addon.id, `config vars of ${addon.name}`, () => publishVars(world, addon));
  });
  return addon;
}

function addAttachment(
  world: World,
  addon: AddonRecord,
  app: AppRecord,
  name: string,
  namespace: string | null,
): AttachmentRecord {
  const now = world.now();
  const attachment: AttachmentRecord = { id: world.uuid(), addonId: addon.id, appId: app.id, name, namespace, createdAt: now, updatedAt: now };
  world.attachments.set(attachment.id, attachment);
  return attachment;
}

/** The add-on's vars land on every attached app; each app gets a release. */
function publishVars(world: World, addon: AddonRecord): void {
  if (!world.addons.has(addon.id) || addon.state !== "provisioned") return;
  addon.varsReady = true;
  const service = serviceOf(addon);
  if (service.kind === "token") {
    const now = world.now();
    const drainId = world.uuid();
    world.drains.set(drainId, {
      id: drainId,
      appId: addon.appId,
      url: `syslog+tls://logs${world.ids.digits(1)}.papertrailapp.com:${10000 + world.ids.int(50000)}`,
      token: `d.${world.uuid()}`,
      addonId: addon.id,
      createdAt: now,
      updatedAt: now,
    });
  }
  const byApp = new Map<string, string[]>();
  for (const attachment of world.addonAttachments(addon.id)) {
    byApp.set(attachment.appId, [...(byApp.get(attachment.appId) ?? []), attachment.name]);
  }
  for (const [appId, names] of byApp) {
    const app = world.apps.get(appId);
    if (!app) continue;
    createRelease(world, app, {
      description: `Attach ${names.join(", ")} (@ref:${addon.name})`,
      releasePhase: appId === addon.appId,
    });
  }
}

/** Names of the vars an attachment exposes. */
export function attachmentVarNames(world: World, attachment: AttachmentRecord): string[] {
  const addon = world.addons.get(attachment.addonId);
  if (!addon) return [];
  return serviceOf(addon).varSuffixes.map((suffix) => `${attachment.name}_${suffix}`);
}

/** The vars an attachment puts on its app right now (nothing until the add-on's vars are ready). */
export function attachmentVars(world: World, attachment: AttachmentRecord): Record<string, string> {
  const addon = world.addons.get(attachment.addonId);
  if (!addon || !addon.varsReady || addon.state !== "provisioned") return {};
  const service = serviceOf(addon);
  let value: string;
  if (service.kind === "postgres") {
    const credentialName = attachment.namespace?.startsWith("credential:") ? attachment.namespace.slice("credential:".length) : "default";
    const credential = world.pgCredentials.get(addon.id)?.get(credentialName);
    if (!credential) return {};
    value = `postgres://${credential.user}:${credential.password}@${addon.resource.host}:${addon.resource.port}/${addon.resource.database}`;
  } else if (service.kind === "redis") {
    value = `rediss://:${addon.resource.secret}@${addon.resource.host}:${addon.resource.port}`;
  } else {
    value = addon.resource.secret;
  }
  return Object.fromEntries(attachmentVarNames(world, attachment).map((name) => [name, value]));
}

/** Every var the add-ons attached to `app` currently set on it. */
export function addonVarsOf(world: World, app: AppRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const attachment of world.appAttachments(app.id)) Object.assign(out, attachmentVars(world, attachment));
  return out;
}

/**
 * Destroy an add-on: its attachments and vars go at once; the add-on itself
 * answers `deprovisioning` (its name still taken) until
 * `timing.addonDeprovision` has passed, unless `immediate` (app deletion).
 */
export function deleteAddon(world: World, addon: AddonRecord, options: { immediate?: boolean } = {}): void {
  addon.state = options.immediate ? "deprovisioned" : "deprovisioning";
  addon.updatedAt = world.now();
  const hadVars = addon.varsReady;
  addon.varsReady = false;
  const affected = new Map<string, string[]>();
  for (const attachment of world.addonAttachments(addon.id)) {
    world.attachments.delete(attachment.id);
    affected.set(attachment.appId, [...(affected.get(attachment.appId) ?? []), attachment.name]);
  }
  if (options.immediate) world.addons.delete(addon.id);
  else world.schedule(world.timing.addonDeprovision, addon.id, `deprovision ${addon.name}`, () => world.addons.delete(addon.id));
  for (const [key, drain] of world.drains) if (drain.addonId === addon.id) world.drains.delete(key);
  world.pgCredentials.delete(addon.id);
  world.redisConfigs.delete(addon.id);
  for (const [key, schedule] of world.backupSchedules) if (schedule.addonId === addon.id) world.backupSchedules.delete(key);
  if (addon.service === "scheduler") {
    for (const [key, job] of world.schedulerJobs) if (job.appId === addon.appId) world.schedulerJobs.delete(key);
  }
  if (!hadVars) return;
  for (const [appId, names] of affected) {
    const app = world.apps.get(appId);
    if (app) createRelease(world, app, { description: `Detach ${names.join(", ")} (@ref:${addon.name})`, releasePhase: false });
  }
}

export interface AttachInput {
  addon: string;
  app: string;
  name?: string | undefined;
  namespace?: string | undefined;
  confirm?: string | undefined;
}

export function attachAddon(world: World, input: AttachInput): AttachmentRecord {
  const addon = world.addon(input.addon);
  const app = world.app(input.app);
  if (addon.state === "deprovisioned" || addon.state === "deprovisioning") throw invalidParams(`${addon.name} is ${addon.state}.`);
  const service = serviceOf(addon);
  const namespace = input.namespace ?? null;
  if (namespace !== null) {
    if (!/^[a-z]+:[A-Za-z0-9_-]+$/.test(namespace)) throw invalidParams(`Invalid namespace: ${namespace}.`);
    if (namespace.startsWith("credential:")) {
      const credentialName = namespace.slice("credential:".length);
      const credential = world.pgCredentials.get(addon.id)?.get(credentialName);
      if (service.kind !== "postgres" || !credential) throw invalidParams(`Couldn't find credential ${credentialName} on ${addon.name}.`);
      if (credential.state !== "active") throw invalidParams(`Credential ${credentialName} is ${credential.state}; wait until it is active.`);
    }
  }
  let name = input.name;
  if (name === undefined) {
    name = attachmentNamed(world, app.id, service.defaultAttachment)
      ? service.colorPrefix && addon.color
        ? `${service.colorPrefix}_${addon.color}`
        : service.defaultAttachment
      : service.defaultAttachment;
  }
  validateAttachmentName(name);
  const clash = attachmentNamed(world, app.id, name);
  if (clash) {
    if (input.confirm !== app.name) {
      throw new ApiError(
        422,
        "confirmation_required",
        `An attachment named ${name} already exists on ${app.name}. To replace it, resend with confirm set to ${app.name}.`,
      );
    }
    world.attachments.delete(clash.id);
  }
  const attachment = addAttachment(world, addon, app, name, namespace);
  if (addon.varsReady || clash) {
    createRelease(world, app, { description: `Attach ${name} (@ref:${addon.name})`, releasePhase: false });
  }
  return attachment;
}

export function detach(world: World, attachment: AttachmentRecord): void {
  const addon = world.addons.get(attachment.addonId);
  if (addon && attachment.appId === addon.appId && world.addonAttachments(addon.id).filter((a) => a.appId === addon.appId).length === 1) {
    throw invalidParams(`${attachment.name} is the last attachment of ${addon.name} to its billing app; destroy the add-on instead.`);
  }
  world.attachments.delete(attachment.id);
  const app = world.apps.get(attachment.appId);
  if (app && addon?.varsReady) {
    createRelease(world, app, { description: `Detach ${attachment.name} (@ref:${addon.name})`, releasePhase: false });
  }
}

export function renderAddon(world: World, addon: AddonRecord): Record<string, unknown> {
  const app = world.apps.get(addon.appId);
  const service = serviceOf(addon);
  const billing = app ? appRef(app) : { id: addon.appId, name: null };
  const varNames = world
    .addonAttachments(addon.id)
    .filter((a) => a.appId === addon.appId)
    .flatMap((a) => attachmentVarNames(world, a));
  return {
    actions: [],
    addon_service: namedRef("addon-service", service.name),
    app: billing,
    billed_price: { cents: service.plans[addon.plan] ?? 0, contract: false, unit: "month" },
    billing_entity: { ...billing, type: "app" },
    config_vars: varNames,
    created_at: addon.createdAt,
    id: addon.id,
    name: addon.name,
    plan: { id: planId(service.name, addon.plan), name: `${service.name}:${addon.plan}` },
    provider_id: addon.providerId,
    state: addon.state,
    updated_at: addon.updatedAt,
    web_url: `https://addons-sso.heroku.com/apps/${addon.appId}/addons/${addon.id}`,
  };
}

export function renderAttachment(world: World, attachment: AttachmentRecord): Record<string, unknown> {
  const addon = world.addons.get(attachment.addonId);
  const addonApp = addon ? world.apps.get(addon.appId) : undefined;
  const app = world.apps.get(attachment.appId);
  return {
    addon: {
      id: attachment.addonId,
      name: addon?.name ?? null,
      app: addonApp ? appRef(addonApp) : null,
    },
    app: app ? appRef(app) : { id: attachment.appId, name: null },
    created_at: attachment.createdAt,
    id: attachment.id,
    log_input_url: null,
    name: attachment.name,
    namespace: attachment.namespace,
    updated_at: attachment.updatedAt,
    web_url: addon ? `https://addons-sso.heroku.com/apps/${attachment.appId}/addons/${addon.id}` : null,
  };
}

function addonOfApp(world: World, app: AppRecord, idOrName: string): AddonRecord {
  const addon = world.findAddon(idOrName);
  const visible = addon && (addon.appId === app.id || world.addonAttachments(addon.id).some((a) => a.appId === app.id));
  if (!addon || !visible) throw notFound("Couldn't find that add-on.");
  return addon;
}

function attachmentOfApp(world: World, app: AppRecord, idOrName: string): AttachmentRecord {
  const attachment = world.appAttachments(app.id).find((a) => a.id === idOrName || a.name === idOrName);
  if (!attachment) throw notFound("Couldn't find that add-on attachment.");
  return attachment;
}

const ADDON_KEYS = { id: (a: AddonRecord) => a.id, name: (a: AddonRecord) => a.name };
const ATTACHMENT_KEYS = { id: (a: AttachmentRecord) => a.id, name: (a: AttachmentRecord) => a.name };

export function addonRoutes(router: Router): void {
  router
    .post("/apps/:app/addons", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const body = objectBody(ctx);
      const attachment = body["attachment"];
      const attachmentName = isObject(attachment) ? optionalString(attachment, "name") : undefined;
      const addon = createAddon(ctx.world, app, {
        plan: requiredString(body, "plan"),
        name: optionalString(body, "name"),
        attachmentName,
        config: optionalStringMap(body, "config"),
      });
      return json(201, renderAddon(ctx.world, addon));
    })
    .get("/apps/:app/addons", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const addons = [...ctx.world.addons.values()].filter(
        (a) => a.appId === app.id || ctx.world.addonAttachments(a.id).some((att) => att.appId === app.id),
      );
      return paginate(ctx, ctx.world.settings, addons, ADDON_KEYS, (a) => renderAddon(ctx.world, a));
    })
    .get("/apps/:app/addons/:addon", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      return json(200, renderAddon(ctx.world, addonOfApp(ctx.world, app, ctx.params["addon"] ?? "")));
    })
    .get("/addons", (ctx) => paginate(ctx, ctx.world.settings, [...ctx.world.addons.values()], ADDON_KEYS, (a) => renderAddon(ctx.world, a)))
    .get("/addons/:addon", (ctx) => json(200, renderAddon(ctx.world, ctx.world.addon(ctx.params["addon"] ?? ""))))
    .patch("/apps/:app/addons/:addon", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const addon = addonOfApp(ctx.world, app, ctx.params["addon"] ?? "");
      const body = objectBody(ctx);
      const planName = requiredString(body, "plan");
      const resolved = resolvePlan(planName);
      if (resolved.service.name !== addon.service) {
        throw invalidParams(`${addon.name} is a ${addon.service} add-on; its plan cannot change to ${planName}.`);
      }
      const name = optionalString(body, "name");
      if (name !== undefined && name !== addon.name) {
        if (!ADDON_NAME_RE.test(name)) throw invalidParams(`Name "${name}" is invalid.`);
        if (ctx.world.findAddon(name)) throw invalidParams(`Name ${name} is already taken.`);
        addon.name = name;
      }
      addon.plan = resolved.plan;
      addon.updatedAt = ctx.world.now();
      return json(200, renderAddon(ctx.world, addon));
    })
    .delete("/apps/:app/addons/:addon", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const addon = addonOfApp(ctx.world, app, ctx.params["addon"] ?? "");
      if (addon.appId !== app.id) throw invalidParams(`${addon.name} is billed to another app; destroy it from there.`);
      if (addon.state === "deprovisioning") throw notFound("Couldn't find that add-on.");
      deleteAddon(ctx.world, addon);
      return json(200, renderAddon(ctx.world, addon));
    })
    .post("/addon-attachments", (ctx) => {
      const body = objectBody(ctx);
      const attachment = attachAddon(ctx.world, {
        addon: requiredString(body, "addon"),
        app: requiredString(body, "app"),
        name: optionalString(body, "name"),
        namespace: optionalString(body, "namespace"),
        confirm: optionalString(body, "confirm"),
      });
      return json(201, renderAttachment(ctx.world, attachment));
    })
    .get("/addon-attachments", (ctx) =>
      paginate(ctx, ctx.world.settings, [...ctx.world.attachments.values()], ATTACHMENT_KEYS, (a) => renderAttachment(ctx.world, a)),
    )
    .get("/addon-attachments/:attachment", (ctx) => {
      const attachment = ctx.world.attachments.get(ctx.params["attachment"] ?? "");
      if (!attachment) throw notFound("Couldn't find that add-on attachment.");
      return json(200, renderAttachment(ctx.world, attachment));
    })
    .delete("/addon-attachments/:attachment", (ctx) => {
      const attachment = ctx.world.attachments.get(ctx.params["attachment"] ?? "");
      if (!attachment) throw notFound("Couldn't find that add-on attachment.");
      const rendered = renderAttachment(ctx.world, attachment);
      detach(ctx.world, attachment);
      return json(200, rendered);
    })
    .get("/apps/:app/addon-attachments", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      return paginate(ctx, ctx.world.settings, ctx.world.appAttachments(app.id), ATTACHMENT_KEYS, (a) => renderAttachment(ctx.world, a));
    })
    .get("/apps/:app/addon-attachments/:attachment", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      return json(200, renderAttachment(ctx.world, attachmentOfApp(ctx.world, app, ctx.params["attachment"] ?? "")));
    })
    .get("/addons/:addon/addon-attachments", (ctx) => {
      const addon = ctx.world.addon(ctx.params["addon"] ?? "");
      return paginate(ctx, ctx.world.settings, ctx.world.addonAttachments(addon.id), ATTACHMENT_KEYS, (a) => renderAttachment(ctx.world, a));
    });
}
