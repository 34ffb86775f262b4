/**
 * No database beyond its connection budget: for every database, the pools
 * fleet actually wrote (PG_POOL_MAX in each app's config vars) times the
 * dynos actually formed, one-off dynos included, plus the tier's reserve and
 * the connections kept for users outside fleet, fit its connection limit.
 *
 * The limit of a database fleet bills comes from its add-on's plan
 * (components/plans.ts); of one attached or external, from what the stack
 * declared. The arithmetic is the connection budget's own
 * (components/postgres/connection-budget.ts): when it has to lower any pool
 * below the one written, the written pools do not fit.
 */
import { computeBudget, type BudgetUser } from "../../components/postgres/connection-budget";
import { postgresPlan } from "../../components/plans";
import { TIER_DEFAULTS } from "../../stacks/tiers";
import type { FleetPolicy } from "../lib/define";
import { dataService, type ServiceView } from "../lib/stack-view";

/** The plan of the Postgres add-on a service bills, when it bills one. */
function ownedPostgresPlan(service: ServiceView): string | undefined {
  const addon = service.addons.find((a) => dataService(a.plan) === "postgres");
  return addon?.plan?.slice("heroku-postgresql:".length);
}

export const connectionBudget: FleetPolicy = {
  name: "database-connection-budget",
  description: "Every database's connections (dynos × PG_POOL_MAX, one-off dynos and reserves included) fit its plan's limit.",
  check(view, report, { specs }) {
    const byStore = new Map<string, ServiceView[]>();
    for (const service of view.services) {
      const store = service.declared.database?.store;
      if (store !== undefined) byStore.set(store, [...(byStore.get(store) ?? []), service]);
    }
    const reserve = TIER_DEFAULTS[view.tier].reserveConnections;
    for (const [store, services] of byStore) {
      const declared = services[0]!.declared.database!;
      const billedPlan = services.map(ownedPostgresPlan).find((p) => p !== undefined);
      const limit = (billedPlan !== undefined ? postgresPlan(billedPlan)?.connections : undefined) ?? declared.connectionLimit;
      const users: BudgetUser[] = [];
      let unknown = false;
      for (const service of services) {
        const pool = Number(service.vars?.["PG_POOL_MAX"]);
        if (!service.formation || !Number.isInteger(pool)) {
          unknown = true;
          continue;
        }
        const spec = specs.find((s) => s.name === service.app);
        const release = Object.values(spec?.processes ?? {}).some((p) => p.kind === "release") ? 1 : 0;
        users.push({
          app: service.app,
          dynos: Object.values(service.formation).reduce((sum, p) => sum + p.quantity, 0),
          oneOffDynos: release + (service.scheduledJobs > 0 ? 1 : 0),
          poolPerDyno: pool,
        });
      }
      // Values known only once deployed: `pulumi up` checks them.
      if (unknown || users.length === 0) continue;
      const budget = computeBudget({ database: store, limit, reserve, reservedForOthers: declared.reservedForOthers, users });
      const written = users.reduce((sum, u) => sum + (u.dynos + u.oneOffDynos) * u.poolPerDyno, 0) + reserve + declared.reservedForOthers;
      const lowered = budget.lines.filter((line) => line.poolMax < (users.find((u) => u.app === line.app)?.poolPerDyno ?? 0));
      if (written > limit || lowered.length > 0 || !budget.fits) {
        const terms = users.map((u) => `${u.app} (${u.dynos}+${u.oneOffDynos} dynos × ${u.poolPerDyno})`).join(" + ");
        report(
          `database ${store} is over its connection budget: ${terms} + reserve ${reserve}${declared.reservedForOthers > 0 ? ` + others ${declared.reservedForOthers}` : ""} = ${written} > limit ${limit}. Scale dynos down in fleet:apps.<app>.formation or give the database a larger plan; the program sets PG_POOL_MAX to fit (${budget.arithmetic}).`,
          services[0]!.urn,
        );
      }
    }
  },
};
