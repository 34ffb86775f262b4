/**
 * Which Postgres databases and Redis instances a stack has, who bills each
 * and which apps use it. A data store's add-on belongs to the Heroku app that
 * bills it — Heroku cannot move an add-on to another app, and deletes an
 * app's add-ons with the app — so no fix offered here ever changes a billing
 * app or removes one from the stack.
 */
import { KNOWN_POSTGRES_PLANS, KNOWN_REDIS_PLANS, postgresPlan, redisPlan } from "../components/plans";
import type { AppSpec } from "./app-spec";
import type { AppOverride, StackConfig } from "./config-schema";
import type { DatabaseModel, RedisModel } from "./environment-model";
import type { SetAside } from "./lenient-parse";
import type { Problems } from "./problems";
import { configRmCommand, configSetCommand } from "./stack-command";
import type { TierDefaults } from "./tiers";

export const DEDICATED = "dedicated";

/** README section that says how to bill a database to another app without losing it. */
export const MOVING_A_DATABASE = 'README, "Moving a database to another owner"';

/** Some app's choice of store was set aside (its settings, or all of fleet:apps): whether a store is used is unknown. */
function usersUnknown(ctx: StoreContext): boolean {
  return ctx.setAside.apps.size > 0 || ctx.setAside.keys.has("apps");
}

export interface StoreContext {
  readonly stack: string;
  readonly config: StackConfig;
  /** Apps the stack runs. */
  readonly enabled: readonly AppSpec[];
  /** Every app of the fleet, enabled or not. */
  readonly specs: readonly AppSpec[];
  readonly override: (app: string) => AppOverride;
  readonly defaults: TierDefaults;
  readonly setAside: SetAside;
  readonly problems: Problems;
}

/**
 * The owner of a shared store is not among its users. Which fix is safe
 * depends on why; none of them moves the add-on.
 */
function reportOwnerNotUser(ctx: StoreContext, kind: "databases" | "redis", name: string, owner: string, users: readonly string[]): void {
  const { stack, problems } = ctx;
  const key = `fleet:${kind}.${name}.owner`;
  const store = kind === "databases" ? "database" : "Redis";
  const contents = kind === "databases" ? "every schema and row in it" : "every key in it";
  const uses = kind === "databases" ? "database" : "redis";
  if (ctx.setAside.apps.has(owner)) return;
  if (!ctx.specs.some((s) => s.name === owner)) {
    problems.add(key, `'${owner}' is not an app of the fleet`, `${configSetCommand(stack, key, users[0]!, { path: true })} (one of ${users.join(", ")}), if this ${store} has not been created yet`);
    return;
  }
  if (!ctx.enabled.some((s) => s.name === owner)) {
    problems.add(
      key,
      `'${owner}' bills this ${store}'s add-on but is disabled in stack ${stack}: removing its Heroku app would delete the add-on with ${contents}`,
      `keep ${owner} in the stack: ${configRmCommand(stack, `fleet:apps.${owner}.enabled`, { path: true })}, and scale it to nothing with fleet:apps.${owner}.formation.<process>.quantity: 0 if it should not run; to bill the ${store} to another app, see ${MOVING_A_DATABASE}`,
    );
    return;
  }
  problems.add(
    key,
    `'${owner}' must be one of the apps that use it (${users.join(", ")})`,
    `if the ${store} exists, point ${owner} back at it: ${configSetCommand(stack, `fleet:apps.${owner}.${uses}`, name, { path: true })}; only a ${store} not created yet may take another owner (${MOVING_A_DATABASE})`,
  );
}

export function resolveDatabases(ctx: StoreContext, databaseUrls: ReadonlyMap<string, string>): DatabaseModel[] {
  const { stack, config, problems } = ctx;
  const shared = config.databases ?? {};
  const result: DatabaseModel[] = [];
  const usersOf = new Map<string, string[]>();
  for (const spec of ctx.enabled) {
    const choice = ctx.override(spec.name).database;
    if (!spec.database) {
      if (choice !== undefined) problems.add(`fleet:apps.${spec.name}.database`, `is set but ${spec.name} uses no database`, `remove fleet:apps.${spec.name}.database from Pulumi.${stack}.yaml`);
      continue;
    }
    if (choice === undefined || choice === DEDICATED) {
      const plan = ctx.override(spec.name).plans?.postgres ?? ctx.defaults.postgresPlan;
      result.push(databaseModel(ctx, `${spec.name}-db`, "addon", plan, spec.name, undefined, undefined, 0, [spec.name], `fleet:apps.${spec.name}.plans.postgres`));
      continue;
    }
    if (!shared[choice]) {
      if (ctx.setAside.databases.has(choice) || ctx.setAside.keys.has("databases")) continue;
      const names = Object.keys(shared);
      problems.add(
        `fleet:apps.${spec.name}.database`,
        `names database '${choice}', which fleet:databases does not define`,
        names.length > 0 ? `use ${DEDICATED} or one of ${names.join(", ")}` : `use ${DEDICATED}, or define fleet:databases.${choice} in Pulumi.${stack}.yaml`,
      );
      continue;
    }
    if (ctx.override(spec.name).plans?.postgres) {
      problems.add(`fleet:apps.${spec.name}.plans.postgres`, `is ignored: ${spec.name} uses the shared database '${choice}'`, `set the plan on fleet:databases.${choice}.plan instead`);
    }
    usersOf.set(choice, [...(usersOf.get(choice) ?? []), spec.name]);
  }
  for (const [name, db] of Object.entries(shared)) {
    const users = usersOf.get(name) ?? [];
    if (users.length === 0) {
      if (!usersUnknown(ctx)) problems.add(
        `fleet:databases.${name}`,
        "is defined but no app uses it",
        `set fleet:apps.<app>.database to ${name}; remove it only once its data is no longer needed (outside production its add-on is deleted with it)`,
      );
      continue;
    }
    if (db.owner !== undefined && !users.includes(db.owner)) {
      reportOwnerNotUser(ctx, "databases", name, db.owner, users);
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
    result.push(databaseModel(ctx, name, kind, db.plan, db.owner, db.attach, db.external?.connectionLimit, db.reservedConnections ?? 0, ordered, `fleet:databases.${name}.plan`));
  }
  reportStrayDatabaseUrls(ctx, databaseUrls);
  return result;
}

/** A URL for a database that is not external would be silently ignored: say so. */
function reportStrayDatabaseUrls(ctx: StoreContext, databaseUrls: ReadonlyMap<string, string>): void {
  const shared = ctx.config.databases ?? {};
  const external = Object.entries(shared)
    .filter(([, d]) => d.external)
    .map(([n]) => n);
  for (const name of databaseUrls.keys()) {
    if (shared[name]?.external || ctx.setAside.databases.has(name) || ctx.setAside.keys.has("databases")) continue;
    const key = `fleet:databaseUrls.${name}`;
    const what = shared[name]
      ? `is set, but fleet:databases.${name} is not external: Heroku gives its URL, and this one would be ignored`
      : `names no database of fleet:databases${external.length > 0 ? ` (external ones: ${external.join(", ")})` : ""}, so it would be ignored`;
    ctx.problems.add(key, what, configRmCommand(ctx.stack, key, { path: true }));
  }
}

function databaseModel(
  ctx: StoreContext,
  name: string,
  kind: DatabaseModel["kind"],
  plan: string | undefined,
  ownerApp: string | undefined,
  attach: DatabaseModel["attach"],
  externalLimit: number | undefined,
  reservedForOthers: number,
  users: string[],
  planKey: string,
): DatabaseModel {
  const facts = plan ? postgresPlan(plan) : undefined;
  if (kind !== "external" && plan && !facts) {
    ctx.problems.add(planKey, `'${plan}' is a plan fleet has no connection facts for`, `use one of ${KNOWN_POSTGRES_PLANS.join(", ")}, or add it to components/plans.ts`);
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
    protect: ctx.defaults.protect,
    backupHour: kind === "addon" ? ctx.defaults.backupHour : undefined,
  };
}

function checkRedisPlan(ctx: StoreContext, plan: string, key: string): void {
  if (!redisPlan(plan)) {
    ctx.problems.add(key, `'${plan}' is not a Heroku Key-Value Store plan fleet knows`, `use one of ${KNOWN_REDIS_PLANS.join(", ")}, or add it to components/plans.ts`);
  }
}

export function resolveRedis(ctx: StoreContext): RedisModel[] {
  const { stack, config, problems } = ctx;
  const shared = config.redis ?? {};
  const result: RedisModel[] = [];
  const usersOf = new Map<string, string[]>();
  const policy = (uses: readonly AppSpec[]): RedisModel["maxmemoryPolicy"] => (uses.every((s) => s.redis?.use === "cache") ? "allkeys-lru" : "noeviction");
  for (const spec of ctx.enabled) {
    const choice = ctx.override(spec.name).redis;
    if (!spec.redis) {
      if (choice !== undefined) problems.add(`fleet:apps.${spec.name}.redis`, `is set but ${spec.name} uses no Redis`, `remove fleet:apps.${spec.name}.redis from Pulumi.${stack}.yaml`);
      continue;
    }
    if (choice === undefined || choice === DEDICATED) {
      const plan = ctx.override(spec.name).plans?.redis ?? ctx.defaults.redisPlan;
      checkRedisPlan(ctx, plan, `fleet:apps.${spec.name}.plans.redis`);
      result.push({ name: `${spec.name}-redis`, plan, ownerApp: spec.name, users: [spec.name], maxmemoryPolicy: policy([spec]), protect: ctx.defaults.protect });
      continue;
    }
    if (!shared[choice]) {
      if (!ctx.setAside.redis.has(choice) && !ctx.setAside.keys.has("redis")) {
        problems.add(`fleet:apps.${spec.name}.redis`, `names Redis '${choice}', which fleet:redis does not define`, `use ${DEDICATED} or define fleet:redis.${choice} in Pulumi.${stack}.yaml`);
      }
      continue;
    }
    if (ctx.override(spec.name).plans?.redis) {
      problems.add(`fleet:apps.${spec.name}.plans.redis`, `is ignored: ${spec.name} uses the shared Redis '${choice}'`, `set the plan on fleet:redis.${choice}.plan instead`);
    }
    usersOf.set(choice, [...(usersOf.get(choice) ?? []), spec.name]);
  }
  for (const [name, r] of Object.entries(shared)) {
    const users = usersOf.get(name) ?? [];
    if (users.length === 0) {
      if (!usersUnknown(ctx)) problems.add(
        `fleet:redis.${name}`,
        "is defined but no app uses it",
        `set fleet:apps.<app>.redis to ${name}; remove it only once its keys are no longer needed (outside production its add-on is deleted with it)`,
      );
      continue;
    }
    if (!users.includes(r.owner)) {
      reportOwnerNotUser(ctx, "redis", name, r.owner, users);
      continue;
    }
    checkRedisPlan(ctx, r.plan, `fleet:redis.${name}.plan`);
    const specs = ctx.enabled.filter((a) => users.includes(a.name));
    result.push({ name, plan: r.plan, ownerApp: r.owner, users: [r.owner, ...users.filter((u) => u !== r.owner)], maxmemoryPolicy: policy(specs), protect: ctx.defaults.protect });
  }
  return result;
}
