/**
 * What exists on a stack's Heroku apps that fleet does not manage: the
 * difference between the live apps and the plan, by name only. Pure.
 */
import type { LiveApp } from "./live";
import type { ManagedApp } from "./managed";

export interface AppDrift {
  readonly app: string;
  readonly herokuName: string;
  /** The app does not exist on Heroku (`pulumi up` would create it): nothing to compare. */
  readonly missing: boolean;
  /** Config-var keys neither fleet nor an add-on sets: set by hand. */
  readonly configVars: readonly string[];
  readonly addons: readonly { readonly name: string; readonly plan: string | undefined; readonly attachment: string }[];
  readonly domains: readonly string[];
  /** Log drains beyond the ones fleet manages; `tokens` lists every drain when fleet manages some (it cannot tell which offline). */
  readonly drains: { readonly unmanaged: number; readonly tokens: readonly string[] };
  /** Process types running that the program does not declare. */
  readonly formation: readonly { readonly type: string; readonly quantity: number; readonly size: string | undefined }[];
}

export interface DriftReport {
  readonly version: 1;
  readonly stack: string;
  readonly apps: readonly AppDrift[];
  /** Unmanaged items over every app. */
  readonly count: number;
  readonly drift: boolean;
}

/** Keys Heroku itself sets on apps (dyno metadata and platform keys). */
const PLATFORM_KEY = /^HEROKU_/;

export function appDrift(managed: ManagedApp, live: LiveApp): AppDrift {
  const none = { configVars: [], addons: [], domains: [], drains: { unmanaged: 0, tokens: [] }, formation: [] };
  if (!live.exists) return { app: managed.app, herokuName: managed.herokuName, missing: true, ...none };
  const configVars = live.configKeys.filter((k) => !managed.configKeys.has(k) && !live.addonKeys.has(k) && !PLATFORM_KEY.test(k));
  const addons = live.addons
    .filter((a) => !managed.addonNames.has(a.addon) && !managed.attachmentNames.has(a.attachment) && !(a.billedHere && a.service !== undefined && managed.addonServices.has(a.service)))
    .map((a) => ({ name: a.addon, plan: a.plan, attachment: a.attachment }));
  const unmanagedDrains = Math.max(0, live.drainTokens.length - managed.drains);
  return {
    app: managed.app,
    herokuName: managed.herokuName,
    missing: false,
    configVars,
    addons,
    domains: live.hostnames.filter((h) => !managed.hostnames.has(h)),
    drains: { unmanaged: unmanagedDrains, tokens: unmanagedDrains > 0 ? live.drainTokens : [] },
    formation: live.formation.filter((f) => f.quantity > 0 && !managed.formationTypes.has(f.type)),
  };
}

export function itemCount(app: AppDrift): number {
  return app.configVars.length + app.addons.length + app.domains.length + app.drains.unmanaged + app.formation.length;
}

export function driftReport(stack: string, apps: readonly AppDrift[]): DriftReport {
  const count = apps.reduce((sum, a) => sum + itemCount(a), 0);
  return { version: 1, stack, apps, count, drift: count > 0 };
}

/** Every unmanaged item of an app as one line each (for text and for the issue). */
export function driftLines(app: AppDrift): string[] {
  const lines: string[] = [];
  if (app.configVars.length > 0) lines.push(`config vars set by hand: ${app.configVars.join(", ")}`);
  for (const a of app.addons) lines.push(`add-on ${a.name}${a.plan ? ` (${a.plan})` : ""} attached as ${a.attachment}`);
  if (app.domains.length > 0) lines.push(`domains: ${app.domains.join(", ")}`);
  if (app.drains.unmanaged > 0) {
    const managed = app.drains.tokens.length - app.drains.unmanaged;
    lines.push(`log drains: ${app.drains.unmanaged} not fleet's${managed > 0 ? ` (fleet manages ${managed} of ${app.drains.tokens.join(", ")})` : ` (${app.drains.tokens.join(", ")})`}`);
  }
  for (const f of app.formation) lines.push(`formation: ${f.type} × ${f.quantity}${f.size ? ` (${f.size})` : ""}`);
  return lines;
}

export function renderReport(report: DriftReport): string {
  const out = [`Drift of stack ${report.stack}: what exists on its Heroku apps that fleet does not manage (names only, never values)`, ""];
  for (const app of report.apps) {
    const lines = driftLines(app);
    if (app.missing) out.push(`${app.herokuName} (${app.app}): not on Heroku (pulumi up creates it)`);
    else if (lines.length === 0) out.push(`${app.herokuName} (${app.app}): nothing unmanaged`);
    else out.push(`${app.herokuName} (${app.app})`, ...lines.map((l) => `  ${l}`));
  }
  out.push("");
  const drifted = report.apps.filter((a) => itemCount(a) > 0).length;
  out.push(
    report.drift
      ? `${report.count} unmanaged item(s) on ${drifted} app(s). Declare each in the stack (Pulumi.${report.stack}.yaml) or remove it on Heroku.`
      : "No drift: everything on the stack's Heroku apps is fleet's.",
  );
  return out.join("\n");
}
