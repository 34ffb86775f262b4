/**
 * Settings only one app has (`fleet:apps.<app>.<key>`, declared in the
 * `settings` of its spec, such as steam-reviews' `trackedApps`). They are
 * taken out of the raw `fleet:apps` before the common schema reads it, so
 * stacks/config-schema.ts never learns app-specific keys; each is checked
 * with the app's own schema, every problem reported with its fix, and a
 * valid value becomes the variables and one-off runs its spec asks for.
 */
import type { AppSettingSpec, AppSpec, OneOffRunSpec, SettingIssue } from "./app-spec";
import { describeGiven } from "./config-issues";
import type { Problems } from "./problems";
import { configRmCommand, configSetCommand } from "./stack-command";

/** What one app's settings amount to. */
export interface ResolvedSettings {
  /** Variables the settings set, with the setting each comes from (`fleet:apps.<app>.<key>`). */
  readonly vars: ReadonlyMap<string, { readonly value: string; readonly setting: string }>;
  /** One-off runs the settings ask for, with the setting each comes from. */
  readonly runOnce: readonly (OneOffRunSpec & { readonly setting: string })[];
}

const RUN_NAME = /^[a-z0-9][a-z0-9-]{0,40}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const part of path) {
    if (Array.isArray(node) && typeof part === "number") node = node[part];
    else if (isRecord(node) && typeof part === "string") node = node[part];
    else return undefined;
  }
  return node;
}

function wantsRemoval(issue: SettingIssue): boolean {
  return isRecord(issue.params) && issue.params["remove"] === true;
}

/**
 * Removes every declared app setting from `fleet.apps` (in place), checks it
 * and returns what each app's settings amount to. `hidden`: `fleet:apps` is
 * stored as a secret, so no value is repeated.
 */
export function takeAppSettings(stack: string, fleet: Record<string, unknown>, specs: readonly AppSpec[], hidden: boolean, problems: Problems): Map<string, ResolvedSettings> {
  const resolved = new Map<string, ResolvedSettings>();
  const apps = fleet["apps"];
  for (const spec of specs) {
    const entry = isRecord(apps) ? apps[spec.name] : undefined;
    const vars = new Map<string, { value: string; setting: string }>();
    const runOnce: (OneOffRunSpec & { setting: string })[] = [];
    for (const [key, setting] of Object.entries(spec.settings ?? {})) {
      if (!isRecord(entry) || !(key in entry)) continue;
      const raw = entry[key];
      delete entry[key];
      const where = `fleet:apps.${spec.name}.${key}`;
      const result = setting.resolve(raw);
      if (!result.ok) {
        for (const issue of result.issues) reportIssue(stack, where, setting, raw, issue, hidden, problems);
        continue;
      }
      for (const [name, value] of Object.entries(result.effects.env ?? {})) {
        if (!setting.variables.includes(name)) {
          problems.add(`apps/${spec.name}/deploy.ts settings.${key}`, `sets ${name}, which it does not list in its variables`, `add ${name} to the setting's variables in apps/${spec.name}/deploy.ts`);
        } else {
          vars.set(name, { value, setting: where });
        }
      }
      for (const run of result.effects.runOnce ?? []) {
        if (!RUN_NAME.test(run.name) || runOnce.some((r) => r.name === run.name) || run.command.trim() === "" || run.trigger === "") {
          problems.add(`apps/${spec.name}/deploy.ts settings.${key}`, `asks for a one-off run named '${run.name}' that is empty, misnamed or named twice`, `give each run of ${key} a unique name of lowercase letters, digits and dashes, a command and a trigger`);
        } else {
          runOnce.push({ name: run.name, command: run.command, trigger: run.trigger, setting: where });
        }
      }
    }
    resolved.set(spec.name, { vars, runOnce });
  }
  return resolved;
}

function reportIssue(stack: string, where: string, setting: AppSettingSpec, raw: unknown, issue: SettingIssue, hidden: boolean, problems: Problems): void {
  const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
  const at = `${where}${pathText(path)}`;
  const given = valueAt(raw, path);
  const what = given === undefined ? issue.message : `is ${describeGiven(given, hidden)}; ${issue.message}`;
  let fix: string;
  if (wantsRemoval(issue)) fix = configRmCommand(stack, at, { path: true });
  else if (path.length === 0 && setting.list) {
    fix = `${configRmCommand(stack, where, { path: true })}; then ${configSetCommand(stack, `${where}[0]`, setting.example, { path: true })}, one index per item`;
  } else fix = configSetCommand(stack, at, setting.example, { path: true });
  problems.add(at, what, fix);
}

/** The settings an app takes besides the common ones, for the "known here" list of an unknown key. */
export function settingKeys(specs: readonly AppSpec[], app: string): readonly string[] {
  return Object.keys(specs.find((s) => s.name === app)?.settings ?? {});
}
