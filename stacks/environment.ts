/**
 * Builds the environment model of a stack from the app specs and the raw
 * stack configuration. Pure: no Pulumi resources, no network. Every problem is
 * collected; the result is either a complete model or the full list.
 */
import path from "node:path";
import { computeBudget, largestEvenPool, MIN_POOL, type Budget } from "../components/postgres/connection-budget";
import { herokuAppName, herokuAppNameProblem, snakeCase } from "../components/naming";
import { isSmallTier, KNOWN_POSTGRES_PLANS, postgresPlan } from "../components/plans";
import type { AppSpec } from "./app-spec";
import { TIERS, type AppOverride, type StackConfig, type Tier } from "./config-schema";
import type {
  AppDatabaseModel,
  AppModel,
  DatabaseModel,
  EnvironmentModel,
  ProcessModel,
  RedisModel,
  ScheduledJobModel,
} from "./environment-model";
import { isOptional, resolveVars } from "./env-vars";
import { Problems, type Problem } from "./problems";
import { configSetCommand, parseStackConfig, type ParsedStackConfig, type RawConfig } from "./stack-config";
import { TIER_DEFAULTS, type TierDefaults } from "./tiers";

export const DEDICATED = "dedicated";
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
  const parsed = parseStackConfig(stack, options.raw, problems);
  const config = parsed.config;
  if (!config) {
    // The fleet settings are unusable, but missing secrets can still be reported with them.
    for (const spec of specs) reportMissingSecrets(stack, spec, parsed, problems);
    return { ok: false, problems: problems.all };
  }

  const tier: Tier = config.tier;
  const defaults = TIER_DEFAULTS[tier];
  const specByName = new Map(specs.map((s) => [s.name, s]));
  const overrides = config.apps ?? {};

  for (const name of Object.keys(overrides)) {
    if (!specByName.has(name)) {
      problems.add(`fleet:apps.${name}`, "is not an app of the fleet", `use one of ${[...specByName.keys()].join(", ")}`);
    }
  }
  for (const key of parsed.plaintextAppKeys) {
    const [app] = key.split(":");
    if (app !== undefined && specByName.has(app)) {
      problems.add(key, "is a secret stored in plaintext", configSetCommand(stack, key, "<value>", { secret: true }));
    } else {
      problems.add(key, `is in namespace '${app}', which is neither fleet, a provider nor an app`, `pulumi config rm ${key} --stack ${stack}`);
    }
  }
  for (const app of parsed.appSecrets.keys()) {
    if (!specByName.has(app) && !parsed.plaintextAppKeys.some((k) => k.startsWith(`${app}:`))) {
      problems.add(`${app}:`, "is not an app of the fleet", `pulumi config rm the ${app}:* keys, or use one of ${[...specByName.keys()].join(", ")}`);
    }
  }

  const enabled = specs.filter((s) => overrides[s.name]?.enabled !== false);
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
  for (const spec of enabled) processes.set(spec.name, resolveProcesses(stack, spec, ov(spec.name), defaults, problems));

  const databases = resolveDatabases(stack, config, enabled, ov, defaults, parsed.databaseUrls, problems);
  const redis = resolveRedis(stack, config, enabled, ov, defaults, problems);

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
          oneOffDynos: (Object.values(spec.processes).some((p) => p.kind === "release") ? 1 : 0) + ((spec.scheduledJobs?.length ?? 0) > 0 ? 1 : 0),
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
        `pools would have to shrink to ${largestEvenPool(input)} connection(s) per dyno (at least ${MIN_POOL} are needed): scale dynos down in fleet:apps.<app>.formation, move some apps to another database, or use a plan with more connections`,
      );
    }
  }

  const apps: AppModel[] = [];
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
    const domain = resolveDomain(stack, spec, o, config, problems);
    const providedKeys = new Set(parsed.appSecrets.get(spec.name)?.keys() ?? []);
    const vars = resolveVars(
      {
        stack,
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
        apps: new Set(enabled.map((s) => s.name)),
        hostname: domain,
        zone: config.cloudflareZone,
      },
      problems,
    );
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
    });
  }

  const guarded = apps.filter((a) => a.adminPaths.length > 0 && a.domain);
  const verifying = guarded.filter((a) => "CF_ACCESS_TEAM_DOMAIN" in a.spec.env.shape);
  if (verifying.length > 0 && !config.accessTeamDomain) {
    problems.add(
      "fleet:accessTeamDomain",
      `is not set, so ${verifying.map((a) => a.name).join(" and ")} cannot verify Cloudflare Access tokens on their admin paths`,
      configSetCommand(stack, "fleet:accessTeamDomain", "https://<team>.cloudflareaccess.com"),
    );
  }
  if (guarded.length > 0 && (config.accessEmails?.length ?? 0) === 0) {
    problems.add(
      "fleet:accessEmails",
      `is empty, so nobody could pass Cloudflare Access in front of ${guarded.map((a) => `${a.name} ${a.adminPaths.join(", ")}`).join("; ")}`,
      configSetCommand(stack, "fleet:accessEmails[0]", "you@example.com", { path: true }),
    );
  }
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
    },
  };
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

function resolveProcesses(stack: string, spec: AppSpec, o: AppOverride, defaults: TierDefaults, problems: Problems): ProcessModel[] {
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

function resolveDomain(stack: string, spec: AppSpec, o: AppOverride, config: StackConfig, problems: Problems): string | undefined {
  if (o.domain === false) return undefined;
  const zone = config.cloudflareZone;
  const domain = o.domain ?? (spec.domainPrefix && zone ? `${spec.domainPrefix}${config.subdomainSuffix ?? ""}.${zone}` : undefined);
  if (domain && !zone) {
    problems.add(`fleet:apps.${spec.name}.domain`, "is set but the stack has no Cloudflare zone to put its record in", configSetCommand(stack, "fleet:cloudflareZone", "example.com"));
  } else if (domain && zone && domain !== zone && !domain.endsWith(`.${zone}`)) {
    problems.add(`fleet:apps.${spec.name}.domain`, `'${domain}' is not in the zone ${zone}`, configSetCommand(stack, `fleet:apps.${spec.name}.domain`, `<name>.${zone}`, { path: true }));
  }
  return domain;
}

function resolveDatabases(
  stack: string,
  config: StackConfig,
  apps: readonly AppSpec[],
  ov: (app: string) => AppOverride,
  defaults: TierDefaults,
  databaseUrls: ReadonlyMap<string, string>,
  problems: Problems,
): DatabaseModel[] {
  const shared = config.databases ?? {};
  const result: DatabaseModel[] = [];
  const usersOf = new Map<string, string[]>();
  for (const spec of apps) {
    const choice = ov(spec.name).database;
    if (!spec.database) {
      if (choice !== undefined) problems.add(`fleet:apps.${spec.name}.database`, `is set but ${spec.name} uses no database`, `remove fleet:apps.${spec.name}.database from Pulumi.${stack}.yaml`);
      continue;
    }
    if (choice === undefined || choice === DEDICATED) {
      const plan = ov(spec.name).plans?.postgres ?? defaults.postgresPlan;
      result.push(databaseModel(`${spec.name}-db`, "addon", plan, spec.name, undefined, undefined, 0, [spec.name], defaults, problems, `fleet:apps.${spec.name}.plans.postgres`));
      continue;
    }
    if (!shared[choice]) {
      const names = Object.keys(shared);
      problems.add(
        `fleet:apps.${spec.name}.database`,
        `names database '${choice}', which fleet:databases does not define`,
        names.length > 0 ? `use ${DEDICATED} or one of ${names.join(", ")}` : `use ${DEDICATED}, or define fleet:databases.${choice} in Pulumi.${stack}.yaml`,
      );
      continue;
    }
    if (ov(spec.name).plans?.postgres) {
      problems.add(`fleet:apps.${spec.name}.plans.postgres`, `is ignored: ${spec.name} uses the shared database '${choice}'`, `set the plan on fleet:databases.${choice}.plan instead`);
    }
    usersOf.set(choice, [...(usersOf.get(choice) ?? []), spec.name]);
  }
  for (const [name, db] of Object.entries(shared)) {
    const users = usersOf.get(name) ?? [];
    if (users.length === 0) {
      problems.add(`fleet:databases.${name}`, "is defined but no app uses it", `set fleet:apps.<app>.database to ${name}, or remove it`);
      continue;
    }
    if (db.owner !== undefined && !users.includes(db.owner)) {
      problems.add(`fleet:databases.${name}.owner`, `'${db.owner}' must be one of the apps that use it (${users.join(", ")})`, configSetCommand(stack, `fleet:databases.${name}.owner`, users[0]!, { path: true }));
      continue;
    }
    const kind = db.external ? "external" : db.attach ? "attach" : "addon";
    if (kind === "external" && !databaseUrls.has(name)) {
      problems.add(
        `fleet:databaseUrls.${name}`,
        `is not set: the external database '${name}' needs its admin connection URL`,
        configSetCommand(stack, `fleet:databaseUrls.${name}`, "'postgres://user:password@host:5432/dbname'", { secret: true, path: true }),
        { key: "fleet:databaseUrls", path: name },
      );
    }
    const ordered = db.owner ? [db.owner, ...users.filter((u) => u !== db.owner)] : users;
    result.push(databaseModel(name, kind, db.plan, db.owner, db.attach, db.external?.connectionLimit, db.reservedConnections ?? 0, ordered, defaults, problems, `fleet:databases.${name}.plan`));
  }
  return result;
}

function databaseModel(
  name: string,
  kind: DatabaseModel["kind"],
  plan: string | undefined,
  ownerApp: string | undefined,
  attach: DatabaseModel["attach"],
  externalLimit: number | undefined,
  reservedForOthers: number,
  users: string[],
  defaults: TierDefaults,
  problems: Problems,
  planKey: string,
): DatabaseModel {
  const facts = plan ? postgresPlan(plan) : undefined;
  if (kind !== "external" && plan && !facts) {
    problems.add(planKey, `'${plan}' is a plan fleet has no connection facts for`, `use one of ${KNOWN_POSTGRES_PLANS.join(", ")}`);
  }
  return {
    name,
    kind,
    plan,
    ownerApp,
    attach,
    connectionLimit: externalLimit ?? facts?.connections ?? 20,
    reservedForOthers,
    users,
    credentials: kind === "external" ? false : (facts?.credentials ?? false),
    protect: defaults.protect,
    backupHour: kind === "addon" ? defaults.backupHour : undefined,
  };
}

function resolveRedis(
  stack: string,
  config: StackConfig,
  apps: readonly AppSpec[],
  ov: (app: string) => AppOverride,
  defaults: TierDefaults,
  problems: Problems,
): RedisModel[] {
  const shared = config.redis ?? {};
  const result: RedisModel[] = [];
  const usersOf = new Map<string, string[]>();
  const policy = (uses: readonly AppSpec[]): RedisModel["maxmemoryPolicy"] =>
    uses.every((s) => s.redis?.use === "cache") ? "allkeys-lru" : "noeviction";
  for (const spec of apps) {
    const choice = ov(spec.name).redis;
    if (!spec.redis) {
      if (choice !== undefined) problems.add(`fleet:apps.${spec.name}.redis`, `is set but ${spec.name} uses no Redis`, `remove fleet:apps.${spec.name}.redis from Pulumi.${stack}.yaml`);
      continue;
    }
    if (choice === undefined || choice === DEDICATED) {
      result.push({ name: `${spec.name}-redis`, plan: ov(spec.name).plans?.redis ?? defaults.redisPlan, ownerApp: spec.name, users: [spec.name], maxmemoryPolicy: policy([spec]), protect: defaults.protect });
      continue;
    }
    if (!shared[choice]) {
      problems.add(`fleet:apps.${spec.name}.redis`, `names Redis '${choice}', which fleet:redis does not define`, `use ${DEDICATED} or define fleet:redis.${choice} in Pulumi.${stack}.yaml`);
      continue;
    }
    usersOf.set(choice, [...(usersOf.get(choice) ?? []), spec.name]);
  }
  for (const [name, r] of Object.entries(shared)) {
    const users = usersOf.get(name) ?? [];
    if (users.length === 0) {
      problems.add(`fleet:redis.${name}`, "is defined but no app uses it", `set fleet:apps.<app>.redis to ${name}, or remove it`);
      continue;
    }
    if (!users.includes(r.owner)) {
      problems.add(`fleet:redis.${name}.owner`, `'${r.owner}' must be one of the apps that use it (${users.join(", ")})`, configSetCommand(stack, `fleet:redis.${name}.owner`, users[0]!, { path: true }));
      continue;
    }
    const specs = apps.filter((a) => users.includes(a.name));
    result.push({ name, plan: r.plan, ownerApp: r.owner, users: [r.owner, ...users.filter((u) => u !== r.owner)], maxmemoryPolicy: policy(specs), protect: defaults.protect });
  }
  return result;
}

/** The stacks fleet knows how to build (their YAML lives next to Pulumi.yaml). */
export const STACKS = TIERS;
