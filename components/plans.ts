/**
 * What fleet knows of Heroku's plans: connection limits, whether extra
 * Postgres credentials exist, and list prices per month (USD, rounded) for the
 * plan's cost estimate. Prices drift: they are an estimate, not a bill.
 */

export interface PostgresPlanFacts {
  /** Maximum client connections. */
  readonly connections: number;
  /** Extra credentials (roles) through Heroku's data API: Standard and above only. */
  readonly credentials: boolean;
  readonly monthlyUsd: number;
}

const POSTGRES: Readonly<Record<string, PostgresPlanFacts>> = {
  "essential-0": { connections: 20, credentials: false, monthlyUsd: 5 },
  "essential-1": { connections: 20, credentials: false, monthlyUsd: 9 },
  "essential-2": { connections: 40, credentials: false, monthlyUsd: 20 },
  "standard-0": { connections: 120, credentials: true, monthlyUsd: 50 },
  "standard-2": { connections: 400, credentials: true, monthlyUsd: 200 },
  "standard-3": { connections: 500, credentials: true, monthlyUsd: 400 },
  "premium-0": { connections: 120, credentials: true, monthlyUsd: 200 },
  "premium-2": { connections: 400, credentials: true, monthlyUsd: 350 },
};

export interface RedisPlanFacts {
  readonly connections: number;
  readonly memoryMb: number;
  readonly monthlyUsd: number;
}

const REDIS: Readonly<Record<string, RedisPlanFacts>> = {
  mini: { connections: 20, memoryMb: 25, monthlyUsd: 3 },
  "premium-0": { connections: 40, memoryMb: 50, monthlyUsd: 15 },
  "premium-1": { connections: 80, memoryMb: 100, monthlyUsd: 30 },
  "premium-2": { connections: 200, memoryMb: 250, monthlyUsd: 60 },
  "premium-3": { connections: 400, memoryMb: 500, monthlyUsd: 120 },
  "premium-5": { connections: 1000, memoryMb: 1024, monthlyUsd: 200 },
};

const DYNO_MONTHLY_USD: Readonly<Record<string, number>> = {
  eco: 5,
  basic: 7,
  "standard-1x": 25,
  "standard-2x": 50,
  "performance-m": 250,
  "performance-l": 500,
  "performance-l-ram": 500,
  "performance-xl": 750,
  "performance-2xl": 1500,
};

/**
 * List prices of third-party add-on plans (`service:plan`) fleet knows, from
 * the Elements marketplace; free plans are 0. Any other plan is priced as
 * unknown, never as free.
 */
const ADDON_MONTHLY_USD: Readonly<Record<string, number>> = {
  "papertrail:choklad": 0,
  "papertrail:fixa": 7,
  "newrelic:wayne": 0,
  "memcachier:dev": 0,
};

/** Facts of a Postgres plan, or undefined when fleet does not know the plan. */
export function postgresPlan(plan: string): PostgresPlanFacts | undefined {
  return POSTGRES[plan];
}

export function redisPlan(plan: string): RedisPlanFacts | undefined {
  return REDIS[plan];
}

/** Monthly list price of a third-party add-on plan (`papertrail:choklad`), or undefined when unknown. */
export function addonMonthlyUsd(plan: string): number | undefined {
  return ADDON_MONTHLY_USD[plan];
}

export function dynoMonthlyUsd(size: string): number | undefined {
  return DYNO_MONTHLY_USD[size.toLowerCase()];
}

/** Plans the budget knows, for error messages. */
export const KNOWN_POSTGRES_PLANS = Object.keys(POSTGRES);
export const KNOWN_REDIS_PLANS = Object.keys(REDIS);

/** Eco and basic dynos run at most one dyno per process type and cannot mix with other tiers. */
export function isSmallTier(size: string): boolean {
  const s = size.toLowerCase();
  return s === "eco" || s === "basic";
}
