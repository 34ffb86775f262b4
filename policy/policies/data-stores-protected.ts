/**
 * Production data stores are protected and retained: a Heroku Postgres or
 * Redis add-on fleet bills, and each app's Postgres schema, cannot be deleted
 * by `pulumi destroy`, a rename or an app removed from the program.
 *
 * Retained: `retainOnDelete` is not among the resource options
 * @pulumi/policy 1.21 gives a policy, so the pack checks it only where the
 * analyzer reports it; the program's own tests check it on every production
 * data store (test/stacks/program.test.ts, test/policy/program-policies.test.ts).
 * `protect` is the guard the engine enforces first: a protected resource is
 * never deleted until someone unprotects it on purpose.
 */
import { TYPES, dataService, type ResourceLike } from "../lib/stack-view";
import type { FleetPolicy } from "../lib/define";

function whatStore(r: ResourceLike, plan: string | undefined): string | undefined {
  if (r.type === TYPES.pgSchema) return "Postgres schema";
  const service = dataService(plan);
  if (service === "postgres") return `Heroku Postgres add-on (${plan})`;
  if (service === "redis") return `Heroku Redis add-on (${plan})`;
  return undefined;
}

export const dataStoresProtected: FleetPolicy = {
  name: "production-data-stores-protected",
  description: "Production data stores (Heroku Postgres and Redis add-ons, app schemas) are protected and retained on delete.",
  check(view, report) {
    if (view.tier !== "production") return;
    for (const r of view.resources) {
      const plan = r.type === TYPES.addon ? (r.props["plan"] as unknown) : undefined;
      const what = whatStore(r, typeof plan === "string" ? plan : undefined);
      if (!what) continue;
      const owner = view.serviceOf(r)?.app ?? "the stack";
      if (!r.opts.protect) {
        report(`${what} '${r.name}' of ${owner} is not protected in production stack '${view.stack}': a destroy or a removal from the program would delete its data. Production data stores take protect: true from the production tier (stacks/tiers.ts); keep fleet:tier production.`, r.urn);
      }
      if (r.opts.retainOnDelete === false) {
        report(`${what} '${r.name}' of ${owner} is not retained on delete in production stack '${view.stack}': removing it from the program would delete its data. Register it with retainOnDelete: true.`, r.urn);
      }
    }
  },
};
