/**
 * The offline plan: a stable, documented structure built from the environment
 * model and the resources the program registered under the mock runtime, and
 * its text rendering. Secret values never enter it.
 */
import { estimateMonthlyCost, formatCostEstimate, type CostEstimate, type CostItem } from "../../components/cost";
import type { Budget } from "../../components/postgres/connection-budget";
import type { AppModel, EnvironmentModel, VarModel } from "../../stacks/environment-model";
import { appContext } from "../../stacks/app-context";
import type { AppContext } from "../../stacks/app-spec";
import type { Problem } from "../../stacks/problems";
import type { Registered } from "./mock-run";
import { estimateState, type StateEstimate } from "./state-estimate";

/** Bump when a field changes meaning or disappears; adding fields keeps the version. */
export const PLAN_FORMAT_VERSION = 1;

/** The SDK's marker for a value known only after deployment. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface PlanResource {
  /** Short type: `heroku:App`, `postgresql:Schema`, `cloudflare:DnsRecord`, `fleet:heroku:HerokuService`. */
  readonly type: string;
  readonly name: string;
  /** Name of the parent resource ("" at the top). */
  readonly parent: string;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  /** Key inputs: scalars as given, secrets as "[secret]", values known only after deploy as "(known after deploy)". */
  readonly inputs: Readonly<Record<string, string | number | boolean>>;
}

export interface PlanVar {
  readonly name: string;
  /** heroku | dyno-metadata | addon | fleet | generated | provided | plain */
  readonly source: string;
  readonly secret: boolean;
  readonly required: boolean;
  /** Where the value comes from, in words. */
  readonly origin: string;
  /** The value for plain and fleet variables (URLs known only after deploy are shown as `<web_url of app>`). */
  readonly value?: string;
}

export interface PlanApp {
  readonly name: string;
  readonly description: string;
  readonly herokuName: string;
  readonly adopt: boolean;
  readonly domain: string | null;
  readonly processes: readonly { type: string; size: string; quantity: number; command: string }[];
  readonly database: { store: string; schema: string; poolMax: number; access: string } | null;
  readonly redis: { store: string; keyPrefix: string } | null;
  readonly scheduledJobs: readonly { name: string; command: string; everyMinutes: number; at: number }[];
  readonly configVars: readonly PlanVar[];
  readonly resources: readonly PlanResource[];
  /** Commands run once each in a one-off dyno (a new trigger runs one again). */
  readonly oneOffRuns: readonly { name: string; command: string; trigger: string; setting: string }[];
  /** Rollback: the release whose slug runs instead of the source's build, or null. */
  readonly pinnedRelease: number | null;
  /** Extra add-ons from the stack, with the config vars Heroku sets for each (null: known once provisioned). */
  readonly addons: readonly PlanAddon[];
  /** Its place in a pipeline; null when it has none (`pipelineNote` says why, when the stack has pipelines). */
  readonly pipeline: PlanPipeline | null;
  readonly pipelineNote?: string;
  /** The check of its health path after each release; null for apps without one. */
  readonly smokeCheck: { readonly path: string; readonly timeoutSeconds: number; readonly url: string } | null;
}

export interface PlanAddon {
  readonly name: string;
  readonly plan: string;
  readonly configVars: readonly string[] | null;
  readonly protect: boolean;
  /** Why it is or is not protected. */
  readonly protection: string;
}

export type PlanPipeline =
  /** This stack owns the pipeline and couples the app as `production`. */
  | { readonly role: "owner"; readonly name: string; readonly adopt: boolean; readonly stage: "production" }
  /** The app is coupled as `staging` to the pipeline stack `fromStack` owns. */
  | { readonly role: "member"; readonly fromStack: string; readonly stage: "staging" };

export interface MissingSecret {
  readonly key: string;
  readonly what: string;
  readonly command: string;
}

export interface Plan {
  readonly version: number;
  /** Always true: the configuration was accepted (a rejected one prints a RejectedPlan). */
  readonly ok: true;
  readonly stack: string;
  readonly tier: string;
  readonly apps: readonly PlanApp[];
  /** Resources that belong to the stack rather than to one app (zone settings). */
  readonly stackResources: readonly PlanResource[];
  readonly databases: readonly { name: string; kind: string; plan: string | null; owner: string | null; users: readonly string[] }[];
  readonly budgets: readonly Budget[];
  readonly missingSecrets: readonly MissingSecret[];
  /** What the offline plan could not check, in words (empty when it checked everything). */
  readonly notChecked: readonly string[];
  /** Monthly list-price estimate (USD) of dynos and add-ons fleet bills; data stores billed outside fleet are not in it. */
  readonly cost: CostEstimate;
  readonly resourceCount: number;
  /** Estimated size of the stack's state as `pulumi stack export` writes it. */
  readonly state: StateEstimate;
  /** Milliseconds the program took to register everything under the mock runtime. */
  readonly programMs: number;
}

/** What `--json` prints for a configuration that was refused, or a plan that could not run. */
export interface RejectedPlan {
  readonly version: number;
  readonly ok: false;
  readonly stack: string | null;
  /** Mistakes, each with its fix (secrets not set yet are not among them). */
  readonly problems: readonly { where: string; what: string; fix: string }[];
  readonly missingSecrets: readonly MissingSecret[];
  /** Set when the plan could not run at all (a bad argument, a failed program), instead of problems. */
  readonly error?: string;
}

export function missingSecretEntries(missing: readonly Problem[]): MissingSecret[] {
  return missing
    .filter((p) => p.missingSecret)
    .map((p) => ({ key: p.missingSecret!.path ? `${p.missingSecret!.key}.${p.missingSecret!.path}` : p.missingSecret!.key, what: p.what, command: p.fix }));
}

export function rejectedPlan(stack: string | null, problems: readonly Problem[], error?: string): RejectedPlan {
  return {
    version: PLAN_FORMAT_VERSION,
    ok: false,
    stack,
    problems: problems.filter((p) => !p.missingSecret).map((p) => ({ where: p.where, what: p.what, fix: p.fix })),
    missingSecrets: missingSecretEntries(problems),
    ...(error !== undefined ? { error } : {}),
  };
}

export function shortType(type: string): string {
  const dynamic = /^pulumi-nodejs:dynamic\/([^:]+):(.+)$/.exec(type);
  if (dynamic) return `${dynamic[1]}:${dynamic[2]}`;
  const bridged = /^([^:]+):[^:]+\/[^:]+:(.+)$/.exec(type);
  if (bridged) return `${bridged[1]}:${bridged[2]}`;
  return type;
}

function keyInputs(r: Registered): Record<string, string | number | boolean> {
  const result: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(r.inputs)) {
    if (key === "__provider") continue;
    if (r.secretInputs.includes(key)) {
      result[key] = "[secret]";
    } else if (value === UNKNOWN) {
      result[key] = "(known after deploy)";
    } else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      result[key] = value;
    } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length > 0) result[key] = `{${keys.join(", ")}}`;
    } else if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
      result[key] = value.join(", ");
    }
  }
  return result;
}

/** URL placeholders for values derived from URLs Heroku assigns at create time. */
function displayContext(model: EnvironmentModel, app: AppModel): AppContext {
  const urlOf = (a: AppModel): string => (a.domain ? `https://${a.domain}` : `<web_url of ${a.herokuName}>`);
  return appContext({
    stack: model.stack,
    app: app.name,
    publicUrl: urlOf(app),
    hostname: app.domain,
    zone: model.cloudflare?.zone,
    accessAudience: app.adminPaths.length > 0 ? "<aud of the Access application>" : undefined,
    urlOf: (name) => {
      const other = model.apps.find((a) => a.name === name);
      return other ? urlOf(other) : undefined;
    },
  });
}

function planVar(model: EnvironmentModel, app: AppModel, v: VarModel): PlanVar {
  const value = v.value === undefined || v.secret ? undefined : typeof v.value === "function" ? v.value(displayContext(model, app)) : v.value;
  return { name: v.name, source: v.source, secret: v.secret, required: v.required, origin: v.origin, ...(value !== undefined ? { value } : {}) };
}

/** Which app a resource belongs to: child names always start with the app's name. */
function ownerApp(name: string, apps: readonly AppModel[]): string | undefined {
  return apps
    .map((a) => a.name)
    .filter((a) => name === a || name.startsWith(`${a}-`))
    .sort((x, y) => y.length - x.length)[0];
}

/** What the stack pays for: dynos, the data stores fleet bills, and the scheduler add-on. */
export function costItems(model: EnvironmentModel): CostItem[] {
  const items: CostItem[] = [];
  for (const app of model.apps) {
    for (const p of app.processes) items.push({ app: app.name, kind: "dyno", size: p.size, quantity: p.quantity, process: p.type });
    if (app.scheduledJobs.length > 0) items.push({ app: app.name, kind: "scheduler" });
  }
  for (const db of model.databases) {
    if (db.kind === "addon" && db.plan && db.ownerApp) items.push({ app: db.ownerApp, kind: "postgres", plan: db.plan });
  }
  for (const r of model.redis) items.push({ app: r.ownerApp, kind: "redis", plan: r.plan });
  for (const app of model.apps) for (const a of app.addons) items.push({ app: app.name, kind: "addon", plan: a.plan });
  return items;
}

function planPipeline(app: AppModel): PlanPipeline | null {
  const p = app.pipeline;
  if (p?.kind === "owner") return { role: "owner", name: p.name, adopt: p.adopt, stage: "production" };
  if (p?.kind === "member") return { role: "member", fromStack: p.fromStack, stage: "staging" };
  return null;
}

export function buildPlan(model: EnvironmentModel, resources: readonly Registered[], missing: readonly Problem[], programMs: number, notChecked: readonly string[] = []): Plan {
  const nameByUrn = new Map(resources.map((r) => [r.urn, r.name]));
  const toPlan = (r: Registered): PlanResource => ({
    type: shortType(r.type),
    name: r.name,
    parent: nameByUrn.get(r.parent) ?? "",
    protect: r.protect,
    retainOnDelete: r.retainOnDelete,
    inputs: keyInputs(r),
  });
  const grouped = new Map<string, PlanResource[]>();
  const stackResources: PlanResource[] = [];
  for (const r of resources) {
    const app = ownerApp(r.name, model.apps);
    if (app === undefined) stackResources.push(toPlan(r));
    else grouped.set(app, [...(grouped.get(app) ?? []), toPlan(r)]);
  }
  return {
    version: PLAN_FORMAT_VERSION,
    ok: true,
    stack: model.stack,
    tier: model.tier,
    apps: model.apps.map((a) => ({
      name: a.name,
      description: a.description,
      herokuName: a.herokuName,
      adopt: a.adopt,
      domain: a.domain ?? null,
      processes: a.processes.map((p) => ({ type: p.type, size: p.size, quantity: p.quantity, command: p.command })),
      database: a.database ? { store: a.database.store, schema: a.database.schema, poolMax: a.database.poolMax, access: a.database.access } : null,
      redis: a.redis ? { store: a.redis.store, keyPrefix: a.redis.keyPrefix } : null,
      scheduledJobs: a.scheduledJobs.map((j) => ({ name: j.name, command: j.command, everyMinutes: j.every, at: j.at })),
      configVars: a.vars.map((v) => planVar(model, a, v)),
      resources: grouped.get(a.name) ?? [],
      oneOffRuns: a.oneOffRuns.map((r) => ({ name: r.name, command: r.command, trigger: r.trigger, setting: r.setting })),
      pinnedRelease: a.pinnedRelease ?? null,
      addons: a.addons.map((x) => ({ name: x.name, plan: x.plan, configVars: x.configVars ?? null, protect: x.protect, protection: x.protectReason })),
      pipeline: planPipeline(a),
      ...(a.pipelineNote !== undefined ? { pipelineNote: a.pipelineNote } : {}),
      smokeCheck: a.smokeCheck
        ? {
            path: a.smokeCheck.path,
            timeoutSeconds: a.smokeCheck.timeoutSeconds,
            url: a.domain ? `https://${a.domain} once its certificate is issued, else <web_url of ${a.herokuName}>` : `<web_url of ${a.herokuName}>`,
          }
        : null,
    })),
    stackResources,
    databases: model.databases.map((d) => ({ name: d.name, kind: d.kind, plan: d.plan ?? null, owner: d.ownerApp ?? d.attach?.app ?? null, users: d.users })),
    budgets: model.budgets,
    missingSecrets: missingSecretEntries(missing),
    notChecked,
    cost: estimateMonthlyCost(costItems(model)),
    resourceCount: resources.length,
    state: estimateState(resources),
    programMs: Math.round(programMs),
  };
}

function table(rows: readonly (readonly string[])[], indent: string): string {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => indent + row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")).join("\n");
}

function describeInputs(inputs: PlanResource["inputs"]): string {
  return Object.entries(inputs)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ")
    .slice(0, 140);
}

export function renderPlan(plan: Plan): string {
  const out: string[] = [];
  out.push(`fleet plan — stack ${plan.stack} (tier ${plan.tier}); offline: nothing is created and no credentials are used`);
  for (const app of plan.apps) {
    out.push("");
    out.push(`${app.name} → Heroku app ${app.herokuName}${app.adopt ? " (adopted)" : ""}${app.domain ? `, https://${app.domain}` : ""}`);
    out.push(`  ${app.description}`);
    out.push(`  processes: ${app.processes.map((p) => `${p.type} ${p.quantity}×${p.size}`).join(", ") || "none"}`);
    if (app.database) out.push(`  postgres: schema ${app.database.schema} in ${app.database.store}, PG_POOL_MAX ${app.database.poolMax}, ${app.database.access}`);
    if (app.redis) out.push(`  redis: ${app.redis.store}, key prefix ${app.redis.keyPrefix}`);
    for (const j of app.scheduledJobs) out.push(`  scheduled: ${j.name} every ${j.everyMinutes} min at ${j.at}: ${j.command}`);
    for (const r of app.oneOffRuns) out.push(`  runs once (trigger ${r.trigger}): ${r.command}`);
    if (app.pinnedRelease !== null) {
      out.push(`  release: PINNED to v${app.pinnedRelease} (fleet:apps.${app.name}.release): that release's slug runs; the source is not built until the pin is removed`);
    }
    for (const a of app.addons) {
      out.push(`  add-on ${a.name}: ${a.plan} → ${a.configVars ? a.configVars.join(", ") || "no config vars" : "config vars known once provisioned"}; ${a.protection}`);
    }
    if (app.pipeline?.role === "owner") out.push(`  pipeline: ${app.pipeline.name}${app.pipeline.adopt ? " (or the one the adopted app is in)" : ""}, owned by this stack; the app is its production stage`);
    else if (app.pipeline?.role === "member") out.push(`  pipeline: stage staging of the pipeline stack ${app.pipeline.fromStack} owns`);
    else if (app.pipelineNote) out.push(`  pipeline: ${app.pipelineNote}`);
    if (app.smokeCheck) out.push(`  smoke check: GET ${app.smokeCheck.path} answers 200 within ${app.smokeCheck.timeoutSeconds} s of each release, on ${app.smokeCheck.url}`);
    out.push(`  config vars (${app.configVars.length}):`);
    out.push(
      table(
        app.configVars.map((v) => [v.name, v.source, v.secret ? "secret" : v.value !== undefined ? v.value : "", v.origin]),
        "    ",
      ),
    );
    out.push(`  resources (${app.resources.length}):`);
    out.push(table(app.resources.map((r) => [r.type, r.name, `${r.protect ? "[protect] " : ""}${describeInputs(r.inputs)}`]), "    "));
  }
  if (plan.stackResources.length > 0) {
    out.push("");
    out.push(`stack resources (${plan.stackResources.length}):`);
    out.push(table(plan.stackResources.map((r) => [r.type, r.name, describeInputs(r.inputs)]), "    "));
  }
  out.push("");
  out.push("connection budgets:");
  for (const b of plan.budgets) out.push(`  ${b.database}: ${b.arithmetic}`);
  out.push("");
  out.push("monthly cost estimate (list prices):");
  for (const line of formatCostEstimate(plan.cost)) out.push(`  ${line}`);
  if (plan.missingSecrets.length > 0) {
    out.push("");
    out.push(`secrets to set before \`pulumi up --stack ${plan.stack}\` (${plan.missingSecrets.length}):`);
    for (const m of plan.missingSecrets) out.push(`  ${m.command}`);
  }
  if (plan.notChecked.length > 0) {
    out.push("");
    out.push("not checked offline:");
    for (const line of plan.notChecked) out.push(`  ${line}`);
  }
  out.push("");
  out.push(
    `${plan.resourceCount} resources in ${plan.apps.length} apps; state about ${Math.round(plan.state.bytes / 1024)} KiB; program evaluated in ${plan.programMs} ms`,
  );
  return out.join("\n");
}
