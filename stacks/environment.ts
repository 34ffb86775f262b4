/**
 * Builds the environment model of a stack from the app specs and the raw
 * stack configuration. Pure: no Pulumi resources, no network. Every problem is
 * collected — a schema problem never hides the others; the result is either a
 * complete model or the full list.
 */
import path from "node:path";
import { computeBudget, largestEvenPool, MIN_POOL, type Budget } from "../components/postgres/connection-budget";
import { herokuAppName, herokuAppNameProblem } from "../components/naming";
import { isSmallTier } from "../components/plans";
import type { AppSpec } from "./app-spec";
import type { AppOverride, StackConfig, Tier } from "./config-schema";
import { resolveDatabases, resolveRedis, type StoreContext } from "./data-stores";
import type { AppDatabaseModel, AppModel, EnvironmentModel, OneOffRunModel, ProcessModel, ScheduledJobModel } from "./environment-model";
import { isOptional, reportPlainCredential, resolveVars } from "./env-vars";
import { resolveExtraAddons } from "./extra-addons";
import { Problems, type Problem } from "./problems";
import { checkPromoteTo, pipelineFor } from "./promotion";
import { alsoCredential, secretLooking } from "./secret-looking";
import { resolveSmokeCheck } from "./smoke-check";
import { configRmCommand } from "./stack-command";
import { configSetCommand, parseStackConfig, type ParsedStackConfig, type RawConfig } from "./stack-config";
import { isProductionName, TIER_DEFAULTS, type TierDefaults } from "./tiers";
import { checkWrittenValues } from "./written-values";

export { DEDICATED } from "./data-stores";
const DEFAULT_POOL = 5;
const EVERY_MINUTES = { "10m": 10, hour: 60, day: 1440 } as const;

export type BuildResult =
  | { readonly ok: true; readonly model: EnvironmentModel; readonly parsed: ParsedStackConfig }
  | { readonly ok: false; readonly problems: readonly Problem[] };

export interface BuildOptions {
  readonly stack: string;
  readonly specs: readonly AppSpec[];
  readonly raw: RawConfig;
}

export function buildEnvironment(options: BuildOptions): BuildResult {
  const problems = new Problems();
  const { stack, specs } = options;
  const parsed = parseStackConfig(stack, options.raw, problems, specs);
  const config = parsed.config;
  if (!config) {
    // Nothing of the fleet settings could be read, but missing secrets can still be reported with them.
    for (const spec of specs) reportMissingSecrets(stack, spec, parsed, problems);
    return { ok: false, problems: problems.all };
  }
  const aside = parsed.setAside;

  const tier: Tier = config.tier;
  const defaults = TIER_DEFAULTS[tier];
  if (isProductionName(stack) && tier !== "production" && !aside.keys.has("tier")) {
    problems.add(
      "fleet:tier",
      `is ${tier} in stack '${stack}': production would lose its protection (apps and data stores could be deleted), its daily backups and its sizes, and its apps would run with APP_ENV=${tier}`,
      `${configSetCommand(stack, "fleet:tier", "production")}; for a cheap copy of production, make a stack with another name`,
    );
  }
  const specByName = new Map(specs.map((s) => [s.name, s]));
  const overrides = config.apps ?? {};

  for (const name of Object.keys(overrides)) {
    if (!specByName.has(name)) {
      problems.add(`fleet:apps.${name}`, "is not an app of the fleet", `use one of ${[...specByName.keys()].join(", ")}`);
    }
  }
  reportPlaintextAppKeys(stack, parsed, specByName, problems);

  const enabled = specs.filter((s) => overrides[s.name]?.enabled !== false);
  // A disabled app's settings are not deployed, but a credential in them is still in the file.
  for (const spec of specs.filter((s) => !enabled.includes(s))) {
    for (const [name, value] of Object.entries(overrides[spec.name]?.config ?? {})) {
      const looks = parsed.secretSettings.has("apps") ? undefined : secretLooking(value);
      if (looks) reportPlainCredential(stack, spec.name, name, looks, problems);
    }
  }
  const ov = (app: string): AppOverride => overrides[app] ?? {};
  const heroku = { team: config.herokuTeam || undefined, region: config.herokuRegion ?? "us", appPrefix: config.appPrefix };

  // Physical names first: everything else refers to them.
  const herokuNames = new Map<string, string>();
  for (const spec of enabled) {
    const o = ov(spec.name);
    const name = o.adoptApp ?? o.herokuName ?? herokuAppName(config.appPrefix, spec.name, stack);
    const bad = herokuAppNameProblem(name);
    if (bad) problems.add(`fleet:apps.${spec.name}.herokuName`, bad, configSetCommand(stack, `fleet:apps.${spec.name}.herokuName`, "<name>", { path: true }));
    const clash = [...herokuNames.entries()].find(([, n]) => n === name);
    if (clash) problems.add(`fleet:apps.${spec.name}`, `would use Heroku app name '${name}', already used by ${clash[0]}`, configSetCommand(stack, `fleet:apps.${spec.name}.herokuName`, "<another-name>", { path: true }));
    herokuNames.set(spec.name, name);
  }

  const processes = new Map<string, ProcessModel[]>();
  for (const spec of enabled) processes.set(spec.name, resolveProcesses(stack, spec, ov(spec.name), defaults, heroku.team, problems));

  const stores: StoreContext = { stack, config, enabled, specs, override: ov, defaults, setAside: aside, problems };
  const databases = resolveDatabases(stores, parsed.databaseUrls);
  const redis = resolveRedis(stores);

  // Connection budget per database, which gives each app its PG_POOL_MAX.
  const budgets: Budget[] = [];
  const poolOf = new Map<string, number>();
  for (const db of databases) {
    const input = {
      database: db.name,
      limit: db.connectionLimit,
      reserve: defaults.reserveConnections,
      reservedForOthers: db.reservedForOthers,
      users: db.users.map((app) => {
        const spec = specByName.get(app)!;
        return {
          app,
          dynos: (processes.get(app) ?? []).reduce((sum, p) => sum + p.quantity, 0),
          // The release phase, a scheduler run, and the app's one-off runs (one at a time) may overlap.
          oneOffDynos:
            (Object.values(spec.processes).some((p) => p.kind === "release") ? 1 : 0) +
            ((spec.scheduledJobs?.length ?? 0) > 0 ? 1 : 0) +
            ((parsed.appSettings.get(app)?.runOnce.length ?? 0) > 0 ? 1 : 0),
          poolPerDyno: spec.database?.poolPerDyno ?? DEFAULT_POOL,
        };
      }),
    };
    const budget = computeBudget(input);
    budgets.push(budget);
    for (const line of budget.lines) poolOf.set(line.app, line.poolMax);
    if (!budget.fits) {
      problems.add(
        `database ${db.name}`,
        `is over its connection budget: ${budget.arithmetic}`,
        `pools would have to shrink to ${largestEvenPool(input)} connection(s) per dyno (at least ${MIN_POOL} are needed): scale dynos down in fleet:apps.<app>.formation, or give the database a larger plan of its family (essential-0 → essential-2, standard-0 → standard-2), which Heroku changes in place`,
      );
    }
  }

  const apps: AppModel[] = [];
  const hostnames = new Map<string, { app: string; explicit: boolean }>();
  for (const spec of enabled) {
    const o = ov(spec.name);
    const db = databases.find((d) => d.users.includes(spec.name));
    const rd = redis.find((r) => r.users.includes(spec.name));
    const database: AppDatabaseModel | undefined =
      spec.database && db
        ? {
            store: db.name,
            schema: spec.database.schema,
            poolMax: poolOf.get(spec.name) ?? DEFAULT_POOL,
            access: db.kind === "external" ? "external-role" : db.credentials ? "heroku-credential" : "default-credential",
          }
        : undefined;
    const domain = resolveDomain(stack, spec, o, config, aside.keys.has("cloudflareZone"), problems);
    if (domain !== undefined) {
      const claim = { app: spec.name, explicit: o.domain !== undefined };
      const other = hostnames.get(domain);
      if (other) reportSharedHostname(stack, domain, other.explicit && !claim.explicit ? [other, claim] : [claim, other], config.cloudflareZone, problems);
      else hostnames.set(domain, claim);
    }
    const providedKeys = new Set(parsed.appSecrets.get(spec.name)?.keys() ?? []);
    const extra = resolveExtraAddons(stack, spec, o, defaults.protect, problems);
    const vars = resolveVars(
      {
        stack,
        tier,
        secretConfig: parsed.secretSettings.has("apps"),
        spec,
        override: o,
        database: database
          ? {
              schema: database.schema,
              poolMax: database.poolMax,
              external: db?.kind === "external",
              origin: db?.kind === "external" ? `fleet:databaseUrls.${db.name}` : `add-on heroku-postgresql:${db?.plan} (database ${db?.name})`,
            }
          : undefined,
        redis: rd ? { keyPrefix: spec.redis!.keyPrefix, origin: `add-on heroku-redis:${rd.plan} (redis ${rd.name})` } : undefined,
        access: (spec.adminPaths?.length ?? 0) > 0 && domain && config.cloudflareZone ? { teamDomain: config.accessTeamDomain } : undefined,
        providedKeys,
        settingVars: parsed.appSettings.get(spec.name)?.vars ?? new Map(),
        addonVars: extra.vars,
      },
      problems,
    );
    // A one-off dyno of the app's own size never mixes dyno tiers (eco/basic beside standard).
    const runSize = processes.get(spec.name)?.[0]?.size ?? defaults.dynoSize;
    const oneOffRuns = (parsed.appSettings.get(spec.name)?.runOnce ?? []).map((run): OneOffRunModel => ({ ...run, size: runSize }));
    const pipeline = pipelineFor(tier, config.promoteTo, config.appPrefix, spec, o.adoptApp !== undefined);
    apps.push({
      name: spec.name,
      spec,
      description: spec.description,
      herokuName: herokuNames.get(spec.name)!,
      adopt: o.adoptApp !== undefined,
      processes: processes.get(spec.name) ?? [],
      hasRelease: Object.values(spec.processes).some((p) => p.kind === "release"),
      domain,
      database,
      redis: rd && spec.redis ? { store: rd.name, keyPrefix: spec.redis.keyPrefix } : undefined,
      scheduledJobs: (spec.scheduledJobs ?? []).map(
        (j): ScheduledJobModel => ({ name: j.name, command: j.command, every: EVERY_MINUTES[j.every], at: j.at ?? 0, dynoSize: defaults.schedulerDynoSize }),
      ),
      vars,
      adminPaths: spec.adminPaths ?? [],
      healthPath: spec.healthPath,
      sourceDir: path.posix.join("apps", spec.name),
      protect: defaults.protect,
      logDrain: parsed.logDrainUrl !== undefined,
      oneOffRuns,
      pinnedRelease: o.release,
      addons: extra.addons,
      pipeline: pipeline.pipeline,
      pipelineNote: pipeline.note,
      smokeCheck: resolveSmokeCheck(spec, o, processes.get(spec.name) ?? []),
    });
  }
  checkPromoteTo(stack, tier, config.promoteTo, problems);
  checkWrittenValues({ stack, tier, apps, zone: config.cloudflareZone }, problems);
  checkAccess(stack, config, apps, aside.keys, problems);

  if (problems.any) return { ok: false, problems: problems.all };
  return {
    ok: true,
    parsed,
    model: {
      stack,
      tier,
      defaults,
      heroku,
      cloudflare: config.cloudflareZone
        ? { zone: config.cloudflareZone, accountId: config.cloudflareAccountId, proxied: config.proxied ?? true, accessEmails: config.accessEmails ?? [] }
        : undefined,
      apps,
      databases,
      redis,
      budgets,
      logDrain: parsed.logDrainUrl !== undefined,
      promoteTo: config.promoteTo,
    },
  };
}

/** Two apps on one hostname: the setting that made the second claim is the one to change. */
function reportSharedHostname(stack: string, domain: string, [culprit, holder]: readonly { app: string }[], zone: string | undefined, problems: Problems): void {
  problems.add(
    `fleet:apps.${culprit!.app}.domain`,
    `'${domain}' is already ${holder!.app}'s hostname: two apps cannot answer on one name (two Heroku domains and two DNS records would claim it, and the app's own URLs would point at the other app)`,
    `${configSetCommand(stack, `fleet:apps.${culprit!.app}.domain`, `<another-name>.${zone ?? "<zone>"}`, { path: true })}, or false for none`,
  );
}

/** Keys in an app's namespace are its secrets: stored in plaintext they are a leak, outside any app a typo. */
function reportPlaintextAppKeys(stack: string, parsed: ParsedStackConfig, specByName: ReadonlyMap<string, AppSpec>, problems: Problems): void {
  for (const key of parsed.plaintextAppKeys) {
    const [app] = key.split(":");
    if (app !== undefined && specByName.has(app)) {
      problems.add(key, "is a secret stored in plaintext", configSetCommand(stack, key, "<value>", { secret: true }));
    } else {
      const credential = alsoCredential(parsed.appSecrets.get(app ?? "")?.get(key.slice(key.indexOf(":") + 1)) ?? "");
      problems.add(key, `is in namespace '${app}', which is neither fleet, a provider nor an app${credential.what}`, `${configRmCommand(stack, key)}${credential.fix}`);
    }
  }
  for (const app of parsed.appSecrets.keys()) {
    if (!specByName.has(app) && !parsed.plaintextAppKeys.some((k) => k.startsWith(`${app}:`))) {
      problems.add(`${app}:`, "is not an app of the fleet", `pulumi config rm the ${app}:* keys, or use one of ${[...specByName.keys()].join(", ")}`);
    }
  }
}

/** Admin paths behind Cloudflare Access need a team to verify against and someone to let through. */
function checkAccess(stack: string, config: StackConfig, apps: readonly AppModel[], setAside: ReadonlySet<string>, problems: Problems): void {
  const guarded = apps.filter((a) => a.adminPaths.length > 0 && a.domain);
  const verifying = guarded.filter((a) => "CF_ACCESS_TEAM_DOMAIN" in a.spec.env.shape);
  if (verifying.length > 0 && !config.accessTeamDomain && !setAside.has("accessTeamDomain")) {
    problems.add(
      "fleet:accessTeamDomain",
      `is not set, so ${verifying.map((a) => a.name).join(" and ")} cannot verify Cloudflare Access tokens on their admin paths`,
      configSetCommand(stack, "fleet:accessTeamDomain", "https://<team>.cloudflareaccess.com"),
    );
  }
  if (guarded.length > 0 && (config.accessEmails?.length ?? 0) === 0 && !setAside.has("accessEmails")) {
    problems.add(
      "fleet:accessEmails",
      `is empty, so nobody could pass Cloudflare Access in front of ${guarded.map((a) => `${a.name} ${a.adminPaths.join(", ")}`).join("; ")}`,
      configSetCommand(stack, "fleet:accessEmails[0]", "you@example.com", { path: true }),
    );
  }
}

function reportMissingSecrets(stack: string, spec: AppSpec, parsed: ParsedStackConfig, problems: Problems): void {
  const present = parsed.appSecrets.get(spec.name);
  for (const [name, secret] of Object.entries(spec.providedSecrets ?? {})) {
    if (present?.has(name) || isOptional(spec.env, name)) continue;
    problems.add(`${spec.name} ${name}`, `is required and not set (${secret.description})`, configSetCommand(stack, `${spec.name}:${name}`, "<value>", { secret: true }), {
      key: `${spec.name}:${name}`,
    });
  }
}

function resolveProcesses(stack: string, spec: AppSpec, o: AppOverride, defaults: TierDefaults, team: string | undefined, problems: Problems): ProcessModel[] {
  const result: ProcessModel[] = [];
  for (const [type, override] of Object.entries(o.formation ?? {})) {
    const declared = spec.processes[type];
    if (!declared) {
      problems.add(`fleet:apps.${spec.name}.formation.${type}`, `is not a process type of ${spec.name}`, `use one of ${Object.keys(spec.processes).filter((t) => spec.processes[t]!.kind !== "release").join(", ")}`);
    } else if (declared.kind === "release") {
      problems.add(`fleet:apps.${spec.name}.formation.${type}`, "is the release phase, which Heroku runs once per release and never scales", `remove fleet:apps.${spec.name}.formation.${type} from Pulumi.${stack}.yaml`);
    }
  }
  for (const [type, p] of Object.entries(spec.processes)) {
    if (p.kind === "release") continue;
    const override = o.formation?.[type];
    const size = override?.size ?? defaults.dynoSize;
    const quantity = override?.quantity ?? defaults.quantity;
    if (p.maxQuantity !== undefined && quantity > p.maxQuantity) {
      problems.add(`fleet:apps.${spec.name}.formation.${type}.quantity`, `is ${quantity}, but ${spec.name} runs at most ${p.maxQuantity} ${type} dyno${p.maxQuantity === 1 ? "" : "s"}`, configSetCommand(stack, `fleet:apps.${spec.name}.formation.${type}.quantity`, String(p.maxQuantity), { path: true }));
    } else if (team !== undefined && size === "eco") {
      problems.add(`fleet:apps.${spec.name}.formation.${type}.size`, `is eco, which Heroku Teams cannot run (the apps belong to team ${team})`, configSetCommand(stack, `fleet:apps.${spec.name}.formation.${type}.size`, "basic", { path: true }));
    } else if (isSmallTier(size) && quantity > 1) {
      problems.add(`fleet:apps.${spec.name}.formation.${type}`, `asks for ${quantity} ${size} dynos; Heroku runs at most one ${size} dyno per process type`, `${configSetCommand(stack, `fleet:apps.${spec.name}.formation.${type}.quantity`, "1", { path: true })}, or use standard-1X`);
    }
    result.push({ type, kind: p.kind, command: p.command, size, quantity });
  }
  const tiers = new Set(result.map((p) => (isSmallTier(p.size) ? p.size : "standard/performance")));
  if (tiers.size > 1) {
    problems.add(`fleet:apps.${spec.name}.formation`, `mixes dyno tiers (${result.map((p) => `${p.type}: ${p.size}`).join(", ")}); Heroku does not run eco or basic beside other sizes in one app`, `give every process type of ${spec.name} sizes of one tier`);
  }
  return result;
}

function resolveDomain(stack: string, spec: AppSpec, o: AppOverride, config: StackConfig, zoneSetAside: boolean, problems: Problems): string | undefined {
  if (o.domain === false) return undefined;
  const zone = config.cloudflareZone;
  const domain = o.domain ?? (spec.domainPrefix && zone ? `${spec.domainPrefix}${config.subdomainSuffix ?? ""}.${zone}` : undefined);
  if (domain && !zone) {
    if (zoneSetAside) return undefined;
    problems.add(`fleet:apps.${spec.name}.domain`, "is set but the stack has no Cloudflare zone to put its record in", configSetCommand(stack, "fleet:cloudflareZone", "example.com"));
  } else if (domain && zone && domain !== zone && !domain.endsWith(`.${zone}`)) {
    problems.add(`fleet:apps.${spec.name}.domain`, `'${domain}' is not in the zone ${zone}`, configSetCommand(stack, `fleet:apps.${spec.name}.domain`, `<name>.${zone}`, { path: true }));
  }
  return domain;
}
