/**
 * What fleet knows of third-party add-on services an app may get from its
 * stack (`fleet:apps.<app>.addons`): the config vars each sets on the app,
 * and whether deleting it loses data. Prices live in plans.ts.
 *
 * An add-on of a service not listed here is still created; its vars are
 * known only once Heroku has provisioned it, so fleet cannot count them for
 * the app's required variables, and it is treated as holding data.
 */

export interface AddonServiceFacts {
  /** Config vars the add-on sets on its app (its default attachment). */
  readonly configVars: readonly string[];
  /** Deleting the add-on loses something kept only there (log archive, metrics history, documents). */
  readonly keepsData: boolean;
  /** What it keeps, in words, for the plan. */
  readonly keeps: string;
}

const SERVICES: Readonly<Record<string, AddonServiceFacts>> = {
  papertrail: { configVars: ["PAPERTRAIL_API_TOKEN"], keepsData: true, keeps: "searchable log history and archives" },
  newrelic: { configVars: ["NEW_RELIC_LICENSE_KEY", "NEW_RELIC_LOG"], keepsData: true, keeps: "APM metrics and traces" },
  memcachier: {
    configVars: ["MEMCACHIER_SERVERS", "MEMCACHIER_USERNAME", "MEMCACHIER_PASSWORD"],
    keepsData: false,
    keeps: "nothing but a cache",
  },
};

/** Services fleet provisions itself: an extra add-on of one of them would duplicate or fight fleet's own. */
export const FLEET_MANAGED_SERVICES: Readonly<Record<string, string>> = {
  "heroku-postgresql": "fleet provisions each app's Postgres: choose its plan with fleet:apps.<app>.plans.postgres or share one with fleet:databases",
  "heroku-redis": "fleet provisions each app's Redis: choose its plan with fleet:apps.<app>.plans.redis or share one with fleet:redis",
  scheduler: "fleet adds scheduler:standard itself to apps with scheduled jobs",
};

/** Names fleet already gives its own add-ons on an app (`<heroku app>-<role>`). */
export const RESERVED_ADDON_NAMES: ReadonlySet<string> = new Set(["postgres", "redis", "scheduler"]);

/** Facts of a service, or undefined when fleet does not know it. */
export function addonService(service: string): AddonServiceFacts | undefined {
  return SERVICES[service];
}

/** `papertrail:choklad` → `papertrail`. */
export function serviceOf(plan: string): string {
  const colon = plan.indexOf(":");
  return colon < 0 ? plan : plan.slice(0, colon);
}

export const KNOWN_ADDON_SERVICES = Object.keys(SERVICES);
