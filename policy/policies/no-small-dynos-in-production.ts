/**
 * No eco or basic dynos in production. Eco dynos sleep after 30 idle minutes
 * and share one pool of hours across the account; basic dynos run one per
 * process type, without preboot, horizontal scaling or metrics. An app may
 * run basic dynos in production only as a written exception with its reason
 * (policy/exceptions.ts), which the policy names in its report; eco never.
 */
import { isSmallTier } from "../../components/plans";
import { configSetCommand } from "../../stacks/stack-command";
import type { FleetPolicy } from "../lib/define";

export const noSmallDynosInProduction: FleetPolicy = {
  name: "no-eco-or-basic-dynos-in-production",
  description: "Production runs no eco dynos, and basic dynos only as a written exception.",
  check(view, report, { basicDynoExceptions }) {
    if (view.tier !== "production") return;
    for (const service of view.services) {
      for (const [type, { size }] of Object.entries(service.formation ?? {})) {
        if (!isSmallTier(size)) continue;
        const small = size.toLowerCase();
        if (small === "basic" && basicDynoExceptions[service.app] !== undefined) continue;
        report(
          `${service.app} runs its ${type} process on ${small} dynos in production stack '${view.stack}': ${configSetCommand(view.stack, `fleet:apps.${service.app}.formation.${type}.size`, "standard-1X", { path: true })}${small === "basic" ? " (or, if basic is deliberate, add the app and the reason to policy/exceptions.ts)" : ""}`,
          service.formationUrn ?? service.urn,
        );
      }
    }
  },
};
