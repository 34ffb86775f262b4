/**
 * Who sets each variable an app reads, when it is not plain configuration:
 * Heroku, an add-on, fleet itself, a secret fleet generates or one the
 * operator provides. Plain values (`config` in the spec or in
 * `fleet:apps.<app>.config`) may go only to variables nobody else owns: an
 * override would otherwise be ignored, or put a credential in plain text.
 */
import type { AppSpec } from "./app-spec";
import { ROTATE_IT } from "./secret-looking";
import { configSetCommand } from "./stack-command";

/** Set by Heroku itself on every dyno, or by the Node.js buildpack. */
export const HEROKU_VARS: ReadonlySet<string> = new Set(["PORT", "DYNO", "NODE_ENV"]);
/** Set by the runtime-dyno-metadata feature. */
export const DYNO_METADATA_VARS: ReadonlySet<string> = new Set([
  "HEROKU_APP_ID",
  "HEROKU_APP_NAME",
  "HEROKU_DYNO_ID",
  "HEROKU_RELEASE_CREATED_AT",
  "HEROKU_RELEASE_VERSION",
  "HEROKU_SLUG_COMMIT",
  "HEROKU_SLUG_DESCRIPTION",
]);
export const DATABASE_VARS: ReadonlySet<string> = new Set(["DATABASE_URL", "DATABASE_SCHEMA", "PG_POOL_MAX"]);
export const REDIS_VARS: ReadonlySet<string> = new Set(["REDIS_URL", "REDIS_TLS_URL", "REDIS_KEY_PREFIX"]);

export const PREVIOUS_SUFFIX = "_PREVIOUS";

export interface VariableOwner {
  /** Who sets it, as a sentence: `Heroku sets it on every dyno`. */
  readonly owner: string;
  /** What to do instead of a plain value, after removing it (may be empty). */
  readonly instead: string;
}

/** Who owns `name` for this app, or undefined when plain configuration may set it. */
export function ownerOf(spec: AppSpec, name: string, stack: string, addonVars?: ReadonlyMap<string, string>): VariableOwner | undefined {
  const app = spec.name;
  const addon = addonVars?.get(name);
  if (addon !== undefined) return { owner: `the ${addon} sets it`, instead: `its value comes from the add-on (fleet:apps.${app}.addons)` };
  if (HEROKU_VARS.has(name)) return { owner: "Heroku sets it on every dyno", instead: "Heroku's value always wins" };
  if (DYNO_METADATA_VARS.has(name)) return { owner: "Heroku's runtime-dyno-metadata sets it", instead: "" };
  if (name === "APP_ENV") return { owner: "fleet sets it to the stack's tier (fleet:tier)", instead: "choose the tier with fleet:tier" };
  if (spec.database && DATABASE_VARS.has(name)) {
    const owners: Record<string, VariableOwner> = {
      DATABASE_URL: { owner: "the database fleet attaches sets it", instead: `choose the database with fleet:apps.${app}.database and fleet:databases` },
      DATABASE_SCHEMA: { owner: `fleet sets it to the schema named in apps/${app}/deploy.ts`, instead: "" },
      PG_POOL_MAX: { owner: "fleet sets it from the database's connection budget", instead: `the budget follows fleet:apps.${app}.formation and the database's plan` },
    };
    return owners[name];
  }
  if (spec.redis && REDIS_VARS.has(name)) {
    return name === "REDIS_KEY_PREFIX"
      ? { owner: `fleet sets it to the key prefix named in apps/${app}/deploy.ts`, instead: "" }
      : { owner: "the Redis add-on fleet attaches sets it", instead: `choose the Redis with fleet:apps.${app}.redis and fleet:redis` };
  }
  if ((spec.adminPaths?.length ?? 0) > 0 && (name === "CF_ACCESS_AUD" || name === "CF_ACCESS_TEAM_DOMAIN")) {
    return name === "CF_ACCESS_AUD"
      ? { owner: "fleet sets it to the audience tag of the Access application in front of the admin paths", instead: "" }
      : { owner: "fleet sets it from fleet:accessTeamDomain", instead: "set fleet:accessTeamDomain instead" };
  }
  const setting = Object.entries(spec.settings ?? {}).find(([, s]) => s.variables.includes(name))?.[0];
  if (setting !== undefined) {
    return { owner: `fleet sets it from fleet:apps.${app}.${setting}`, instead: `set fleet:apps.${app}.${setting} instead (${spec.settings?.[setting]?.description ?? ""})` };
  }
  if (spec.generatedSecrets?.[name]) {
    return {
      owner: "fleet generates it as a secret",
      instead: `rotate it with fleet:apps.${app}.rotate.${name}, or adopt the value the app already uses with ${configSetCommand(stack, `${app}:${name}`, "<value>", { secret: true })}`,
    };
  }
  const base = name.endsWith(PREVIOUS_SUFFIX) ? name.slice(0, -PREVIOUS_SUFFIX.length) : undefined;
  if (base !== undefined && spec.generatedSecrets?.[base]?.keepPrevious === "previous-var") {
    return { owner: `fleet keeps the previous generation of ${base} in it`, instead: "" };
  }
  if (spec.providedSecrets?.[name]) {
    return {
      owner: `it is a secret the operator provides as ${app}:${name}`,
      instead: `store it encrypted: ${configSetCommand(stack, `${app}:${name}`, "<value>", { secret: true })}; ${ROTATE_IT}`,
    };
  }
  return undefined;
}
