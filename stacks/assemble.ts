/**
 * Turns the environment model into components: per stack the Cloudflare zone
 * settings, per app its generated secrets and its HerokuService. Data-store
 * owners come first so the apps that attach to their add-ons can refer to them.
 */
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { ZoneSettings } from "../components/cloudflare/zone-settings";
import {
  HerokuService,
  type DatabaseBinding,
  type DeclaredFacts,
  type PipelineBinding,
  type RedisBinding,
  type ServiceFacts,
} from "../components/heroku-service";
import { GeneratedSecrets } from "../components/secrets/generated-secrets";
import { appContext } from "./app-context";
import { WRITTEN_SOURCES, type AppModel, type EnvironmentModel } from "./environment-model";
import type { ParsedStackConfig } from "./stack-config";

export interface AppOutputs {
  readonly herokuName: pulumi.Output<string>;
  readonly webUrl: pulumi.Output<string>;
  readonly customUrl: pulumi.Output<string | undefined>;
  /** The pipeline this stack owns for the app (production), which other stacks join. */
  readonly pipeline?: pulumi.Output<{ id: string; name: string }>;
}

/** Apps that bill a shared data store go before the apps that attach to it. */
export function creationOrder(model: EnvironmentModel): AppModel[] {
  const owners = new Set([...model.databases.map((d) => d.ownerApp), ...model.redis.map((r) => r.ownerApp)]);
  return [...model.apps].sort((a, b) => Number(owners.has(b.name)) - Number(owners.has(a.name)));
}

/**
 * @param pipelineIds for a stack that promotes to another: per app, the id of
 * the pipeline that stack owns (apps without one join nothing this time).
 */
export function assembleEnvironment(model: EnvironmentModel, parsed: ParsedStackConfig, pipelineIds: ReadonlyMap<string, string> = new Map()): Record<string, AppOutputs> {
  const zoneId = model.cloudflare
    ? cloudflare.getZoneOutput({ filter: { name: model.cloudflare.zone } }).apply((z) => z.id)
    : undefined;
  if (model.cloudflare && zoneId) {
    new ZoneSettings(`${model.stack}-zone`, { zoneId, protect: model.defaults.protect });
  }

  const publicUrls = new Map(model.apps.map((a) => [a.name, pulumi.deferredOutput<string>()] as const));
  const services = new Map<string, HerokuService>();
  const logDrainUrl = parsed.logDrainUrl !== undefined ? pulumi.secret(parsed.logDrainUrl) : undefined;

  for (const app of creationOrder(model)) {
    const provided = parsed.appSecrets.get(app.name);
    const secrets = secretsFor(app, model.defaults.protect, provided);
    const configVars = (facts: ServiceFacts): pulumi.Input<Record<string, pulumi.Input<string>>> => {
      const others = Object.fromEntries([...publicUrls].map(([name, [url]]) => [name, url]));
      return pulumi.all([facts.publicUrl, pulumi.all(others), secrets?.values ?? {}, facts.accessAudience]).apply(([publicUrl, otherUrls, generated, audience]) => {
        const ctx = appContext({
          stack: model.stack,
          app: app.name,
          publicUrl,
          hostname: app.domain,
          zone: model.cloudflare?.zone,
          accessAudience: audience,
          urlOf: (other) => otherUrls[other],
        });
        const vars: Record<string, pulumi.Input<string>> = {};
        for (const v of app.vars) {
          if (!WRITTEN_SOURCES.has(v.source) || (v.name === "DATABASE_URL" && v.source === "provided")) continue;
          if (v.source === "generated") vars[v.name] = pulumi.secret(generated[v.name] ?? "");
          else if (v.source === "provided") vars[v.name] = pulumi.secret(provided?.get(v.providedKey ?? v.name) ?? "");
          else if (v.value !== undefined) {
            const value = typeof v.value === "function" ? v.value(ctx) : v.value;
            vars[v.name] = v.secret ? pulumi.secret(value) : value;
          }
        }
        return vars;
      });
    };
    const service = new HerokuService(app.name, {
      herokuName: app.herokuName,
      adopt: app.adopt,
      region: model.heroku.region,
      ...(model.heroku.team ? { team: model.heroku.team } : {}),
      sourceDir: app.sourceDir,
      formation: Object.fromEntries(app.processes.map((p) => [p.type, { size: p.size, quantity: p.quantity }])),
      buildEnv: app.spec.buildEnv ?? [],
      buildEnvSecret: app.vars.some((v) => v.secret && (app.spec.buildEnv ?? []).includes(v.name)),
      configVars,
      ...optional("database", databaseBinding(model, app, services, parsed)),
      ...optional("redis", redisBinding(model, app, services)),
      scheduledJobs: app.scheduledJobs,
      ...optional("hostname", app.domain),
      ...(app.domain && zoneId && model.cloudflare ? { dns: { zoneId, proxied: model.cloudflare.proxied } } : {}),
      ...(app.adminPaths.length > 0 && model.cloudflare
        ? { admin: { ...optional("accountId", model.cloudflare.accountId), paths: app.adminPaths, allowedEmails: model.cloudflare.accessEmails } }
        : {}),
      ...optional("logDrainUrl", app.logDrain ? logDrainUrl : undefined),
      ...(app.addons.length > 0 ? { addons: app.addons.map((a) => ({ name: a.name, plan: a.plan, protect: a.protect })) } : {}),
      ...optional("pipeline", pipelineBinding(app, pipelineIds)),
      ...optional("smokeCheck", app.smokeCheck),
      protect: app.protect,
      oneOffRuns: app.oneOffRuns.map((r) => ({ name: r.name, command: r.command, trigger: r.trigger, size: r.size })),
      ...optional("pinnedRelease", app.pinnedRelease),
      declared: declaredFacts(model, app),
    });
    services.set(app.name, service);
    publicUrls.get(app.name)![1](service.publicUrl);
  }

  return Object.fromEntries(
    model.apps.map((a) => {
      const s = services.get(a.name)!;
      const pipeline = s.pipeline ? { pipeline: pulumi.all([s.pipeline.pipelineId, s.pipeline.name]).apply(([id, name]) => ({ id, name })) } : {};
      return [a.name, { herokuName: s.herokuName, webUrl: s.webUrl, customUrl: s.customUrl, ...pipeline }];
    }),
  );
}

function pipelineBinding(app: AppModel, pipelineIds: ReadonlyMap<string, string>): PipelineBinding | undefined {
  const pipeline = app.pipeline;
  if (pipeline?.kind === "owner") return { mode: "own", name: pipeline.name, adopt: pipeline.adopt };
  const id = pipeline?.kind === "member" ? pipelineIds.get(app.name) : undefined;
  return id !== undefined ? { mode: "join", pipelineId: id } : undefined;
}

/** What the policy pack needs to know of an app beyond its resources: which values are plain, its database's budget, the DNS intent. */
function declaredFacts(model: EnvironmentModel, app: AppModel): DeclaredFacts {
  const db = app.database ? model.databases.find((d) => d.name === app.database!.store) : undefined;
  return {
    plainConfigKeys: app.vars.filter((v) => v.source === "plain" && !v.secret && v.value !== undefined).map((v) => v.name),
    ...(db ? { database: { store: db.name, connectionLimit: db.connectionLimit, reservedForOthers: db.reservedForOthers } } : {}),
    ...(app.domain && model.cloudflare ? { proxied: model.cloudflare.proxied } : {}),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function secretsFor(app: AppModel, protect: boolean, provided: ReadonlyMap<string, string> | undefined): GeneratedSecrets | undefined {
  const current = app.vars.filter((v) => v.generated?.role === "current");
  if (current.length === 0) return undefined;
  return new GeneratedSecrets(`${app.name}-secrets`, {
    secrets: Object.fromEntries(
      current.map((v) => {
        const g = v.generated!;
        const adopted = g.adopted ? provided?.get(v.name) : undefined;
        return [
          v.name,
          {
            kind: g.spec.kind,
            bytes: g.spec.bytes ?? 32,
            keepPrevious: g.spec.keepPrevious ?? "none",
            generation: g.generation,
            ...(adopted !== undefined ? { adopted: pulumi.secret(adopted) } : {}),
          },
        ];
      }),
    ),
    protect,
  });
}

function databaseBinding(model: EnvironmentModel, app: AppModel, services: ReadonlyMap<string, HerokuService>, parsed: ParsedStackConfig): DatabaseBinding | undefined {
  if (!app.database) return undefined;
  const db = model.databases.find((d) => d.name === app.database!.store)!;
  const schema = app.database.schema;
  if (db.kind === "external") {
    return { mode: "external", adminUrl: pulumi.secret(parsed.databaseUrls.get(db.name) ?? ""), schema };
  }
  if (db.kind === "attach") {
    return { mode: "attach", addon: db.attach!.addon, plan: db.plan ?? "essential-0", schema, credentials: db.credentials };
  }
  if (db.ownerApp === app.name) {
    return {
      mode: "own-addon",
      plan: db.plan!,
      schema,
      credentials: db.credentials,
      ...optional("backupHour", db.backupHour),
      protect: db.protect,
    };
  }
  const owner = services.get(db.ownerApp!)!;
  return { mode: "attach", addon: owner.databaseAddon!.addonId, adminUrl: owner.databaseAdminUrl!, plan: db.plan!, schema, credentials: db.credentials };
}

function redisBinding(model: EnvironmentModel, app: AppModel, services: ReadonlyMap<string, HerokuService>): RedisBinding | undefined {
  if (!app.redis) return undefined;
  const store = model.redis.find((r) => r.name === app.redis!.store)!;
  if (store.ownerApp === app.name) return { mode: "own-addon", plan: store.plan, maxmemoryPolicy: store.maxmemoryPolicy, protect: store.protect };
  return { mode: "attach", addon: services.get(store.ownerApp)!.redisAddon!.addonId };
}
