/**
 * Every variable an app's env schema requires is supplied, and not empty
 * (the apps treat an empty string as unset and refuse to boot).
 *
 * Supplied means: among the config vars fleet writes; set by Heroku on every
 * dyno; set by runtime-dyno-metadata when the app turns the feature on; or
 * set by a data add-on the app bills or attaches under the name that gives
 * the variable (`DATABASE` → DATABASE_URL, `REDIS` → REDIS_URL). The
 * required names come from the app's own schema (`src/env.ts` through
 * `deploy.ts`). Values are never printed.
 */
import { isOptional } from "../../stacks/env-vars";
import { configSetCommand } from "../../stacks/stack-command";
import { DYNO_METADATA_VARS, HEROKU_VARS } from "../../stacks/variable-owners";
import type { FleetPolicy } from "../lib/define";
import type { ServiceView } from "../lib/stack-view";

/** Variables the app's add-ons and attachments set. */
function addonVars(service: ServiceView): Set<string> {
  const names = new Set<string>([...service.attachments, ...service.addons.flatMap((a) => a.attachmentName ?? [])]);
  const vars = new Set<string>();
  for (const name of names) {
    vars.add(`${name}_URL`);
    if (name === "REDIS") vars.add("REDIS_TLS_URL");
  }
  return vars;
}

export const requiredEnvVars: FleetPolicy = {
  name: "required-env-vars-supplied",
  description: "Every variable an app's env schema requires is supplied (not empty) by fleet, Heroku or an add-on.",
  check(view, report, { specs }) {
    for (const service of view.services) {
      const spec = specs.find((s) => s.name === service.app);
      if (!spec || !service.vars) continue;
      const fromAddons = addonVars(service);
      const metadata = service.features.has("runtime-dyno-metadata");
      for (const name of Object.keys(spec.env.shape).sort()) {
        if (isOptional(spec.env, name)) continue;
        if (HEROKU_VARS.has(name) || (metadata && DYNO_METADATA_VARS.has(name)) || fromAddons.has(name)) continue;
        const where = service.configVarsUrn ?? service.urn;
        if (!Object.hasOwn(service.vars, name)) {
          report(`${service.app} requires ${name}, and nothing supplies it: ${configSetCommand(view.stack, `${service.app}:${name}`, "<value>", { secret: true })}, or give it a value in apps/${service.app}/deploy.ts`, where);
        } else if (service.vars[name] === "") {
          report(`${service.app} requires ${name}, and it is empty (the app treats empty as unset and will not boot): ${configSetCommand(view.stack, `${service.app}:${name}`, "<value>", { secret: true })}`, where);
        }
      }
    }
  },
};
