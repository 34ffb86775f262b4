/**
 * Every value fleet will write to an app's config vars — plain, derived and
 * fleet's own (APP_ENV, DATABASE_SCHEMA, PG_POOL_MAX, REDIS_KEY_PREFIX…) — is
 * parsed before anything is registered with the app's own env schema, the one
 * its code validates at boot. A value the app would refuse is a problem now,
 * not a crash on the first boot after `pulumi up`.
 *
 * Values that exist only after deploy are checked by shape: Heroku's web URL
 * stands in as `https://<app name>.herokuapp.com`, and a generated secret as
 * bytes of its kind and length. A secret plain value is checked too (never
 * shown), except offline, where only a stand-in is known. Provided secrets and
 * add-on URLs are the app's to check at boot.
 */
import { fernetKeyFromBase64, variablePlan } from "../components/secrets/generation-plan";
import { appContext } from "./app-context";
import type { AppContext, EnvField, GeneratedSecretSpec } from "./app-spec";
import type { AppModel, VarModel } from "./environment-model";
import type { Problems } from "./problems";
import { secretLooking } from "./secret-looking";
import { configSetCommand } from "./stack-command";
import { isStandIn } from "./stand-ins";

/** The public URL each app would have: its custom domain, else a herokuapp.com URL of the same shape. */
function publicUrlOf(app: AppModel): string {
  return app.domain ? `https://${app.domain}` : `https://${app.herokuName}.herokuapp.com`;
}

function contextFor(stack: string, app: AppModel, apps: readonly AppModel[], zone: string | undefined): AppContext {
  return appContext({
    stack,
    app: app.name,
    publicUrl: publicUrlOf(app),
    hostname: app.domain,
    zone,
    accessAudience: undefined,
    urlOf: (other) => {
      const found = apps.find((a) => a.name === other);
      return found ? publicUrlOf(found) : undefined;
    },
  });
}

/** Bytes of a generated secret's kind and length, as the app would receive them. */
function sampleOf(spec: GeneratedSecretSpec, bytes: number): string {
  const raw = Buffer.alloc(bytes, 0xa7);
  if (spec.kind === "hex") return raw.toString("hex");
  if (spec.kind === "base64") return raw.toString("base64");
  return fernetKeyFromBase64(raw.toString("base64"));
}

/** The value a generated variable holds (its key list when it keeps the previous generation), or undefined when an adopted value is in it. */
function generatedSample(v: VarModel): string | undefined {
  const g = v.generated!;
  const plan = variablePlan(g.base, {
    kind: g.spec.kind,
    ...(g.spec.bytes !== undefined ? { bytes: g.spec.bytes } : {}),
    keepPrevious: g.spec.keepPrevious ?? "none",
    generation: g.generation,
    ...(g.adopted ? { adopted: "" } : {}),
  });
  const holds = plan.outputs[v.name];
  const generations = plan.live.filter((l) => holds?.split(",").includes(l.role));
  if (holds === undefined || generations.some((l) => l.generation === 0)) return undefined;
  return holds
    .split(",")
    .map(() => sampleOf(g.spec, plan.bytes))
    .join(",");
}

function reasons(field: EnvField, value: string): string | undefined {
  const parsed = field.safeParse(value);
  if (parsed.success) return undefined;
  const messages = [...new Set((parsed.error?.issues ?? []).map((i) => i.message))];
  return messages.length > 0 ? messages.join("; ") : "invalid value";
}

export interface WrittenValuesContext {
  readonly stack: string;
  readonly tier: string;
  readonly apps: readonly AppModel[];
  readonly zone: string | undefined;
}

function checkApp(ctx: WrittenValuesContext, app: AppModel, problems: Problems): void {
  const { stack, tier } = ctx;
  const context = contextFor(stack, app, ctx.apps, ctx.zone);
  const setByStack = (name: string): string => `fleet:apps.${app.name}.config.${name}`;
  for (const v of app.vars) {
    const field = app.spec.env.shape[v.name];
    if (!field) continue;
    if (v.generated) {
      const sample = generatedSample(v);
      const why = sample === undefined ? undefined : reasons(field, sample);
      if (why) {
        const spec = v.generated.spec;
        problems.add(
          `${app.name} ${v.name}`,
          `fleet generates it as ${spec.kind} of ${spec.kind === "fernet" ? 32 : (spec.bytes ?? 32)} bytes${v.name !== v.generated.base || spec.keepPrevious === "key-list" ? ` (${v.generated.role === "previous" ? "the previous generation" : "a key list"})` : ""}, which ${app.name}'s env schema rejects: ${why}`,
          `make generatedSecrets.${v.generated.base} in apps/${app.name}/deploy.ts match what apps/${app.name}/src/env.ts accepts`,
        );
      }
      continue;
    }
    if (v.value === undefined || v.afterDeploy) continue;
    let value: string;
    try {
      value = typeof v.value === "function" ? v.value(context) : v.value;
    } catch (error) {
      problems.add(
        `${app.name} ${v.name}`,
        `cannot be derived: ${error instanceof Error ? error.message : String(error)}`,
        `${configSetCommand(stack, setByStack(v.name), "<value>", { path: true })}, or enable the app it refers to`,
      );
      continue;
    }
    const why = isStandIn(value) ? undefined : reasons(field, value);
    if (!why) continue;
    const shown = v.secret ? "a secret value" : secretLooking(value) ? "a value that looks like a credential" : JSON.stringify(value);
    const consequence = `which ${app.name}'s env schema rejects (${why}): the app would fail its first boot after \`pulumi up\``;
    if (v.setting) {
      problems.add(v.setting, `is ${shown}, ${consequence}`, configSetCommand(stack, v.setting, `<a value ${app.name} accepts>`, { path: true, secret: v.secret }));
    } else if (v.source === "plain") {
      problems.add(
        `${app.name} ${v.name}`,
        `would be ${shown} (derived in apps/${app.name}/deploy.ts), ${consequence}`,
        `${configSetCommand(stack, setByStack(v.name), `<a value ${app.name} accepts>`, { path: true })}, or correct config.${v.name} in apps/${app.name}/deploy.ts`,
      );
    } else {
      const because = v.name === "APP_ENV" ? `the stack's tier is ${tier}` : `fleet takes it from ${v.origin}`;
      problems.add(
        `${app.name} ${v.name}`,
        `would be ${shown} (${because}), ${consequence}`,
        v.name === "APP_ENV"
          ? `apps/${app.name}/src/env.ts must accept the tiers fleet sets (staging, production)`
          : `make apps/${app.name}/src/env.ts accept what fleet sets, or change ${v.origin}`,
      );
    }
  }
}

export function checkWrittenValues(ctx: WrittenValuesContext, problems: Problems): void {
  for (const app of ctx.apps) checkApp(ctx, app, problems);
}
