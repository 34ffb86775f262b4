/**
 * The extra add-ons a stack gives an app (`fleet:apps.<app>.addons`, a name
 * → `service:plan`): checked against what fleet provisions itself, each
 * with the config vars it sets (when fleet knows its service) and whether it
 * is protected — in production, an add-on that keeps data is protected and
 * kept when removed from the stack, like the data stores.
 */
import { addonService, FLEET_MANAGED_SERVICES, RESERVED_ADDON_NAMES, serviceOf } from "../components/addon-services";
import type { AppSpec } from "./app-spec";
import type { AppOverride } from "./config-schema";
import type { ExtraAddonModel } from "./environment-model";
import type { Problems } from "./problems";
import { configRmCommand } from "./stack-command";

export interface ExtraAddons {
  readonly addons: readonly ExtraAddonModel[];
  /** Variable → the add-on that sets it, in words (`add-on papertrail:choklad (papertrail)`). */
  readonly vars: ReadonlyMap<string, string>;
}

export function resolveExtraAddons(stack: string, spec: AppSpec, override: AppOverride, protectData: boolean, problems: Problems): ExtraAddons {
  const addons: ExtraAddonModel[] = [];
  const vars = new Map<string, string>();
  const byService = new Map<string, string>();
  for (const [name, plan] of Object.entries(override.addons ?? {})) {
    const key = `fleet:apps.${spec.name}.addons.${name}`;
    const remove = configRmCommand(stack, key, { path: true });
    const service = serviceOf(plan);
    const managed = FLEET_MANAGED_SERVICES[service];
    if (managed !== undefined) {
      problems.add(key, `is ${plan}, which fleet manages itself: ${managed.replace("<app>", spec.name)}`, remove);
      continue;
    }
    if (RESERVED_ADDON_NAMES.has(name)) {
      problems.add(key, `'${name}' is the name fleet gives the app's own ${name} add-on`, `give it another name: ${remove}, then set it again under another key`);
      continue;
    }
    const twin = byService.get(service);
    if (twin !== undefined) {
      problems.add(key, `is a second ${service} add-on (fleet:apps.${spec.name}.addons.${twin} is one): both would set the same config vars`, remove);
      continue;
    }
    byService.set(service, name);
    const facts = addonService(service);
    const keepsData = facts?.keepsData ?? true;
    const protect = protectData && keepsData;
    const protectReason = !protectData
      ? "not protected outside production"
      : facts === undefined
        ? "protected: fleet does not know the service, so it may hold data"
        : keepsData
          ? `protected: it keeps ${facts.keeps}`
          : `not protected: it keeps ${facts.keeps}`;
    addons.push({ name, plan, service, configVars: facts?.configVars, protect, protectReason });
    for (const v of facts?.configVars ?? []) vars.set(v, `add-on ${plan} (${name})`);
  }
  return { addons, vars };
}
