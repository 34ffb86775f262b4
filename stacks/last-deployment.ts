/**
 * Some changes are harmless in a new stack but destroy data in one that is
 * deployed: lowering a secret's generation (the live key is replaced by a new
 * random one and the key in use is dropped), billing a database or Redis to
 * another app (Heroku cannot move an add-on, so it would be deleted and an
 * empty one made), moving a database between Essential and Standard plans
 * (its owner's attachment changes, which replaces the add-on), and changing
 * the Heroku region (every app is replaced, its add-ons with it).
 *
 * Every `pulumi up` records what it applied in the stack output `fleet`; the
 * next run reads it back through a StackReference to its own stack and
 * refuses such changes before registering anything.
 */
import { z } from "zod";
import { postgresPlan } from "../components/plans";
import type { EnvironmentModel } from "./environment-model";
import type { Problem } from "./problems";
import { configSetCommand } from "./stack-command";
import { MOVING_A_DATABASE } from "./data-stores";

/** Name of the stack output holding the record. */
export const DEPLOYMENT_RECORD_OUTPUT = "fleet";

export const deploymentRecordSchema = z.object({
  /** Bumped when a field changes meaning; a newer record is never overwritten by an older fleet. */
  version: z.literal(1),
  heroku: z.object({ region: z.string(), team: z.string().nullable() }),
  /** Live generation of each generated secret, by app then variable (0: the adopted value). */
  generations: z.record(z.string(), z.record(z.string(), z.number().int())),
  /** Each database fleet knows, by name: how it exists, which app bills it, its plan. */
  databases: z.record(z.string(), z.object({ kind: z.enum(["addon", "attach", "external"]), owner: z.string().nullable(), plan: z.string().nullable() })),
  /** Each Redis, by name: which app bills it. */
  redis: z.record(z.string(), z.object({ owner: z.string() })),
});

export type DeploymentRecord = z.infer<typeof deploymentRecordSchema>;

/** What this run applies, for the next run to compare against. Holds no secret. */
export function deploymentRecord(model: EnvironmentModel): DeploymentRecord {
  const generations: Record<string, Record<string, number>> = {};
  for (const app of model.apps) {
    for (const v of app.vars) {
      if (v.generated?.role !== "current") continue;
      (generations[app.name] ??= {})[v.name] = v.generated.generation;
    }
  }
  return {
    version: 1,
    heroku: { region: model.heroku.region, team: model.heroku.team ?? null },
    generations,
    databases: Object.fromEntries(model.databases.map((d) => [d.name, { kind: d.kind, owner: d.ownerApp ?? null, plan: d.plan ?? null }])),
    redis: Object.fromEntries(model.redis.map((r) => [r.name, { owner: r.ownerApp }])),
  };
}

/** Where a dedicated store's settings live, or a shared one's. */
function storeKey(name: string, owner: string | null, kind: "databases" | "redis"): string {
  const dedicated = owner !== null && name === `${owner}-${kind === "databases" ? "db" : "redis"}`;
  return dedicated ? `fleet:apps.${owner}` : `fleet:${kind}.${name}`;
}

function credentialsOf(plan: string | null): boolean | undefined {
  return plan === null ? undefined : postgresPlan(plan)?.credentials;
}

/**
 * Every change from the last deployment that would destroy something, each
 * with the fix. `last` is the stack output as read (undefined before the first
 * `pulumi up` that recorded one).
 */
export function checkAgainstLastDeployment(model: EnvironmentModel, last: unknown): Problem[] {
  if (last === undefined || last === null) return [];
  const stack = model.stack;
  const parsed = deploymentRecordSchema.safeParse(last);
  if (!parsed.success) {
    return [
      {
        where: `stack output '${DEPLOYMENT_RECORD_OUTPUT}'`,
        what: "is not a record this version of fleet wrote, so it cannot tell which changes would destroy data",
        fix: "deploy with the version of fleet that last deployed this stack (see `pulumi stack history`), or check `pulumi stack output fleet`",
      },
    ];
  }
  const before = parsed.data;
  const now = deploymentRecord(model);
  const problems: Problem[] = [];

  for (const app of model.apps) {
    for (const v of app.vars) {
      if (v.generated?.role !== "current") continue;
      const was = before.generations[app.name]?.[v.name];
      const is = v.generated.generation;
      if (was === undefined || is >= was) continue;
      const key = `fleet:apps.${app.name}.rotate.${v.name}`;
      problems.push({
        where: key,
        what: `is generation ${is}, but generation ${was} is live (the last \`pulumi up\` applied it): going back would replace the key in use with a new random one and drop it — sessions signed out, data encrypted under it unreadable`,
        fix: `${configSetCommand(stack, key, String(was), { path: true })} to keep the live key, or ${was + 1} to rotate again; a generation never goes down`,
      });
    }
  }

  for (const db of model.databases) {
    const was = before.databases[db.name];
    if (!was || was.kind !== "addon") continue;
    const key = storeKey(db.name, was.owner, "databases");
    if (db.kind !== "addon") {
      problems.push({
        where: `fleet:databases.${db.name}`,
        what: `is now ${db.kind}, but it is an add-on billed to ${was.owner}: fleet would delete that add-on with every schema in it`,
        fix: `keep fleet:databases.${db.name} as it was and give the ${db.kind} database another name; move the data first (${MOVING_A_DATABASE})`,
      });
    } else if (db.ownerApp !== was.owner) {
      problems.push({
        where: `${key}.owner`,
        what: `is ${db.ownerApp}, but the database's add-on is billed to ${was.owner}: Heroku cannot move an add-on to another app, so fleet would delete it with every schema in it and create an empty one`,
        fix: `${configSetCommand(stack, `${key}.owner`, was.owner ?? "<app>", { path: true })}; to bill the data to another app, see ${MOVING_A_DATABASE}`,
      });
    } else if (credentialsOf(was.plan) !== undefined && credentialsOf(db.plan ?? null) !== undefined && credentialsOf(was.plan) !== credentialsOf(db.plan ?? null)) {
      const planKey = key.startsWith("fleet:apps.") ? `${key}.plans.postgres` : `${key}.plan`;
      problems.push({
        where: planKey,
        what: `moves from ${was.plan} to ${db.plan}: between Essential and Standard-or-higher plans the owner's attachment of the add-on changes, which replaces the add-on — an empty database`,
        fix: `${configSetCommand(stack, planKey, was.plan!, { path: true })}, or a larger plan of the same family; to cross families, make the new plan a new database (${MOVING_A_DATABASE})`,
      });
    }
  }

  for (const r of model.redis) {
    const was = before.redis[r.name];
    if (!was || was.owner === r.ownerApp) continue;
    const key = storeKey(r.name, was.owner, "redis");
    problems.push({
      where: `${key}.owner`,
      what: `is ${r.ownerApp}, but the Redis add-on is billed to ${was.owner}: Heroku cannot move an add-on to another app, so fleet would delete it with every key in it`,
      fix: `${configSetCommand(stack, `${key}.owner`, was.owner, { path: true })}`,
    });
  }

  if (before.heroku.region !== now.heroku.region) {
    problems.push({
      where: "fleet:herokuRegion",
      what: `changes from ${before.heroku.region} to ${now.heroku.region}: a Heroku app cannot change region, so every app would be replaced — deleted with its add-ons and their data`,
      fix: `${configSetCommand(stack, "fleet:herokuRegion", before.heroku.region)}; a stack in another region is a new stack`,
    });
  }
  return problems;
}
