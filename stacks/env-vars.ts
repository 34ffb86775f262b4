/**
 * Accounts for every variable an app's env schema reads: which source supplies
 * it, or a problem naming the app, the variable and the command that fixes it.
 */
import type { AppSpec, EnvSchema } from "./app-spec";
import type { AppOverride, Tier } from "./config-schema";
import type { VarModel } from "./environment-model";
import type { Problems } from "./problems";
import { alsoCredential, ROTATE_IT, secretLooking } from "./secret-looking";
import { configRmCommand, configSetCommand } from "./stack-command";
import { DATABASE_VARS, DYNO_METADATA_VARS, HEROKU_VARS, ownerOf, PREVIOUS_SUFFIX, REDIS_VARS } from "./variable-owners";

export interface VarContext {
  readonly stack: string;
  /** The stack's tier: the value of APP_ENV, whatever the stack is called. */
  readonly tier: Tier;
  /**
   * `fleet:apps` is stored as a secret (a value in it was set with `--secret
   * --path`). Pulumi marks secrecy per top-level key, so every value of the
   * stack's `config` maps is then kept secret.
   */
  readonly secretConfig: boolean;
  readonly spec: AppSpec;
  readonly override: AppOverride;
  /** The app's database, when it has one. */
  readonly database: { readonly schema: string; readonly poolMax: number; readonly external: boolean; readonly origin: string } | undefined;
  readonly redis: { readonly keyPrefix: string; readonly origin: string } | undefined;
  /** Cloudflare Access in front of the app's admin paths, when there is one. */
  readonly access: { readonly teamDomain: string | undefined } | undefined;
  /** Provided secrets present in the stack (names), from `<app>:<KEY>`. */
  readonly providedKeys: ReadonlySet<string>;
  /** Variables the app's own settings set (`fleet:apps.<app>.<key>`), with the setting each comes from. */
  readonly settingVars: ReadonlyMap<string, { readonly value: string; readonly setting: string }>;
  /** Variables the app's extra add-ons set → which add-on, in words. @default none */
  readonly addonVars?: ReadonlyMap<string, string>;
}

/** Whether the schema accepts the variable being absent (optional or defaulted). */
export function isOptional(schema: EnvSchema, name: string): boolean {
  const field = schema.shape[name];
  return field !== undefined && field.safeParse(undefined).success;
}

export function resolveVars(ctx: VarContext, problems: Problems): VarModel[] {
  const { spec, override, stack } = ctx;
  const app = spec.name;
  const generated = spec.generatedSecrets ?? {};
  const provided = spec.providedSecrets ?? {};
  const plain = { ...(spec.config ?? {}), ...(override.config ?? {}) };
  const rotate = override.rotate ?? {};
  const vars: VarModel[] = [];

  for (const name of Object.keys(spec.env.shape).sort()) {
    const required = !isOptional(spec.env, name);
    const add = (v: Omit<VarModel, "name" | "required">): void => {
      vars.push({ name, required, ...v });
    };
    const previousOf = name.endsWith(PREVIOUS_SUFFIX) ? name.slice(0, -PREVIOUS_SUFFIX.length) : undefined;
    const previousSpec = previousOf !== undefined ? generated[previousOf] : undefined;

    // A store that could not be resolved is already a problem; its variables would only repeat it.
    const unresolvedStore =
      (spec.database !== undefined && ctx.database === undefined && DATABASE_VARS.has(name)) ||
      (spec.redis !== undefined && ctx.redis === undefined && REDIS_VARS.has(name));
    if (unresolvedStore) {
      continue;
    } else if (HEROKU_VARS.has(name)) {
      add({ source: "heroku", secret: false, origin: "Heroku" });
    } else if (DYNO_METADATA_VARS.has(name)) {
      add({ source: "dyno-metadata", secret: false, origin: "Heroku runtime-dyno-metadata" });
    } else if (name === "DATABASE_URL" && ctx.database) {
      add(
        ctx.database.external
          ? { source: "provided", secret: true, origin: ctx.database.origin }
          : { source: "addon", secret: true, origin: ctx.database.origin },
      );
    } else if ((name === "REDIS_URL" || name === "REDIS_TLS_URL") && ctx.redis) {
      add({ source: "addon", secret: true, origin: ctx.redis.origin });
    } else if (ctx.addonVars?.has(name)) {
      // Heroku sets it when the add-on is attached; fleet never writes it.
      add({ source: "addon", secret: true, origin: ctx.addonVars.get(name)! });
    } else if (name === "APP_ENV") {
      add({ source: "fleet", secret: false, origin: "the stack's tier", value: ctx.tier });
    } else if (name === "DATABASE_SCHEMA" && ctx.database) {
      add({ source: "fleet", secret: false, origin: "the app's schema", value: ctx.database.schema });
    } else if (name === "PG_POOL_MAX" && ctx.database) {
      add({ source: "fleet", secret: false, origin: "the connection budget", value: String(ctx.database.poolMax) });
    } else if (name === "CF_ACCESS_AUD" && ctx.access) {
      add({ source: "fleet", secret: false, origin: "the Cloudflare Access application's audience tag", value: (c) => c.accessAudience ?? "", afterDeploy: true });
    } else if (name === "CF_ACCESS_TEAM_DOMAIN" && ctx.access?.teamDomain) {
      add({ source: "fleet", secret: false, origin: "fleet:accessTeamDomain", value: ctx.access.teamDomain });
    } else if (name === "REDIS_KEY_PREFIX" && ctx.redis) {
      add({ source: "fleet", secret: false, origin: "the app's Redis prefix", value: ctx.redis.keyPrefix });
    } else if (ctx.settingVars.has(name)) {
      const set = ctx.settingVars.get(name)!;
      add({ source: "fleet", secret: false, origin: set.setting, value: set.value, setting: set.setting });
    } else if (generated[name]) {
      const adopted = ctx.providedKeys.has(name);
      const generation = rotate[name] ?? (adopted ? 0 : 1);
      add({
        source: "generated",
        secret: true,
        origin: generation === 0 ? `adopted from ${app}:${name} (generation 0)` : `generated ${generated[name].kind}, generation ${generation}`,
        generated: { spec: generated[name], generation, role: "current", base: name, adopted },
      });
    } else if (previousOf !== undefined && previousSpec?.keepPrevious === "previous-var") {
      const adopted = ctx.providedKeys.has(previousOf);
      const generation = rotate[previousOf] ?? (adopted ? 0 : 1);
      if (generation - 1 >= (adopted ? 0 : 1)) {
        const previous = generation - 1;
        add({
          source: "generated",
          secret: true,
          origin: previous === 0 ? `adopted from ${app}:${previousOf} (previous of ${previousOf})` : `generated ${previousSpec.kind}, generation ${previous} (previous of ${previousOf})`,
          generated: { spec: previousSpec, generation: previous, role: "previous", base: previousOf, adopted },
        });
      } else if (required) {
        problems.add(`${app} ${name}`, `is required but ${previousOf} has never been rotated, so there is no previous value`, `make ${name} optional in apps/${app}/src/env.ts`);
      }
    } else if (provided[name]) {
      if (ctx.providedKeys.has(name)) {
        add({ source: "provided", secret: true, origin: `${app}:${name}`, providedKey: name });
      } else if (required) {
        problems.add(`${app} ${name}`, `is required and not set (${provided[name].description})`, configSetCommand(stack, `${app}:${name}`, "<value>", { secret: true }), {
          key: `${app}:${name}`,
        });
      }
    } else if (plain[name] !== undefined) {
      const setting = override.config?.[name] !== undefined ? `fleet:apps.${app}.config.${name}` : undefined;
      add({
        source: "plain",
        secret: setting !== undefined && ctx.secretConfig,
        origin: setting ?? `apps/${app}/deploy.ts`,
        value: plain[name],
        ...(setting !== undefined ? { setting } : {}),
      });
    } else if (required) {
      problems.add(
        `${app} ${name}`,
        "is required by the app's env schema but nothing supplies it (no add-on, secret, generated secret or config)",
        `${configSetCommand(stack, `fleet:apps.${app}.config.${name}`, "<value>", { path: true })}, or declare it in apps/${app}/deploy.ts`,
      );
    }
  }

  checkDeclarations(ctx, problems);
  return vars;
}

/** Spec and stack entries that name variables the app never reads are mistakes worth reporting. */
function checkDeclarations(ctx: VarContext, problems: Problems): void {
  const { spec, override, stack } = ctx;
  const app = spec.name;
  const reads = new Set(Object.keys(spec.env.shape));
  const declared: [string, string][] = [
    ...Object.keys(spec.generatedSecrets ?? {}).map((k): [string, string] => [k, "generatedSecrets"]),
    ...Object.keys(spec.providedSecrets ?? {}).map((k): [string, string] => [k, "providedSecrets"]),
    ...Object.keys(spec.config ?? {}).map((k): [string, string] => [k, "config"]),
  ];
  for (const name of spec.buildEnv ?? []) declared.push([name, "buildEnv"]);
  for (const [key, setting] of Object.entries(spec.settings ?? {})) {
    for (const name of setting.variables) declared.push([name, `settings.${key}`]);
  }
  for (const [name, where] of declared) {
    if (!reads.has(name)) {
      problems.add(`apps/${app}/deploy.ts ${where}.${name}`, "names a variable the app's env schema does not read", `add ${name} to apps/${app}/src/env.ts or remove it from the spec`);
    }
  }
  for (const [name, where] of declared.filter(([, w]) => w === "config")) {
    const owner = reads.has(name) ? ownerOf(spec, name, stack, ctx.addonVars) : undefined;
    if (owner) problems.add(`apps/${app}/deploy.ts ${where}.${name}`, `is not plain configuration: ${owner.owner}`, `remove it from the spec's config in apps/${app}/deploy.ts`);
  }
  for (const name of Object.keys(override.config ?? {})) {
    const setting = `fleet:apps.${app}.config.${name}`;
    const value = override.config?.[name] ?? "";
    const credential = alsoCredential(ctx.secretConfig ? "" : value);
    if (!reads.has(name)) {
      problems.add(setting, `is not a variable ${app} reads${suggest(name, reads)}${credential.what}`, `remove it from Pulumi.${stack}.yaml${credential.fix}`);
      continue;
    }
    const owner = ownerOf(spec, name, stack, ctx.addonVars);
    const looks = ctx.secretConfig ? undefined : secretLooking(value);
    if (owner) {
      const fix = [configRmCommand(stack, setting, { path: true }), owner.instead].filter(Boolean).join("; ");
      problems.add(setting, `cannot be set here: ${owner.owner}, so this value would be ignored${credential.what}`, fix.endsWith(ROTATE_IT) ? fix : `${fix}${credential.fix}`);
    } else if (looks) {
      reportPlainCredential(stack, app, name, looks, problems);
    }
  }
  for (const name of Object.keys(override.rotate ?? {})) {
    if (!spec.generatedSecrets?.[name]) {
      const generatedNames = Object.keys(spec.generatedSecrets ?? {});
      problems.add(
        `fleet:apps.${app}.rotate.${name}`,
        `is not a secret fleet generates for ${app}`,
        generatedNames.length > 0 ? `rotate one of ${generatedNames.join(", ")}` : `remove it: ${app} has no generated secrets`,
      );
    }
  }
  for (const name of ctx.providedKeys) {
    // A provided value for a generated secret adopts the value an existing app already uses.
    if (!spec.providedSecrets?.[name] && !spec.generatedSecrets?.[name]) {
      problems.add(
        `${app}:${name}`,
        `is not a secret ${app} takes${suggest(name, new Set(Object.keys(spec.providedSecrets ?? {})))}`,
        `pulumi config rm ${app}:${name} --stack ${stack}`,
      );
    }
  }
}

/** A credential in `fleet:apps.<app>.config`: plain text in the stack file, the plan and the state. */
export function reportPlainCredential(stack: string, app: string, name: string, looks: string, problems: Problems): void {
  const setting = `fleet:apps.${app}.config.${name}`;
  problems.add(
    setting,
    `looks like a credential (${looks}) stored in plaintext in Pulumi.${stack}.yaml`,
    `store it encrypted: ${configSetCommand(stack, setting, "<value>", { secret: true, path: true })}; ${ROTATE_IT}`,
  );
}

/** ` (did you mean X?)` when a close name exists. */
export function suggest(name: string, candidates: ReadonlySet<string>): string {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 4)) ? ` (did you mean ${best}?)` : "";
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
