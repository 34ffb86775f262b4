/**
 * Per-tier defaults, so each `Pulumi.<stack>.yaml` only says what differs.
 * Staging is cheap; production is sized, protected and backed up.
 */
import type { DynoSize, Tier } from "./config-schema";

export interface TierDefaults {
  /** Dyno size of every process type unless the stack says otherwise. */
  readonly dynoSize: DynoSize;
  /** Dynos per process type. */
  readonly quantity: number;
  /** Plan of an app's own Postgres. */
  readonly postgresPlan: string;
  /** Plan of an app's own Redis. */
  readonly redisPlan: string;
  /** Apps and data stores are `protect`ed, data stores `retainOnDelete`. */
  readonly protect: boolean;
  /** Daily PGBackups schedule (hour in UTC), or none. */
  readonly backupHour: string | undefined;
  /** Connections kept free on every database for `heroku pg:psql`, migrations and one-off dynos. */
  readonly reserveConnections: number;
  /** Dyno size of Heroku Scheduler runs. */
  readonly schedulerDynoSize: "Basic" | "Standard-1X";
}

export const TIER_DEFAULTS: Readonly<Record<Tier, TierDefaults>> = {
  staging: {
    dynoSize: "basic",
    quantity: 1,
    postgresPlan: "essential-0",
    redisPlan: "mini",
    protect: false,
    backupHour: undefined,
    reserveConnections: 3,
    schedulerDynoSize: "Basic",
  },
  production: {
    dynoSize: "standard-1X",
    quantity: 1,
    postgresPlan: "standard-0",
    redisPlan: "premium-0",
    protect: true,
    backupHour: "02",
    reserveConnections: 5,
    schedulerDynoSize: "Standard-1X",
  },
};

/** `production`, `prod`, `production-eu`, `prod_2`…: names that tell everyone this stack is production. */
const PRODUCTION_NAME = /^prod(uction)?([-_.].*)?$/i;

export function isProductionName(stack: string): boolean {
  return PRODUCTION_NAME.test(stack);
}

/**
 * The tier a stack's name suggests, for the fix of a missing or invalid
 * `fleet:tier` (and to keep checking the rest of a stack whose tier is broken).
 */
export function tierSuggestedBy(stack: string): Tier {
  return isProductionName(stack) ? "production" : "staging";
}
