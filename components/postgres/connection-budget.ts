/**
 * Connection budget of one Postgres database: every dyno of every app that
 * uses it opens up to its pool size, one-off dynos (release phase, scheduler
 * runs) open theirs while the formation still runs, and a reserve stays free
 * for operators and for users fleet does not manage. The sum must fit the
 * plan's connection limit. When the wanted pools do not fit, every pool is
 * capped at the highest common level that fits (apps wanting less keep their
 * own), and the budget fails only if that level falls below MIN_POOL.
 */

/** Below this a web dyno serialises its requests on one or two connections: not a working pool. */
export const MIN_POOL = 2;

export interface BudgetUser {
  /** Fleet app name. */
  readonly app: string;
  /** Dynos of the formation that connect (web, worker…). */
  readonly dynos: number;
  /** One-off dynos that may run at the same time (release phase, a scheduler run). */
  readonly oneOffDynos: number;
  /** Pool size each dyno wants. */
  readonly poolPerDyno: number;
}

export interface BudgetInput {
  /** Name of the database, for messages. */
  readonly database: string;
  /** The plan's connection limit. */
  readonly limit: number;
  /** Connections kept free for operators (psql, one-off debugging). */
  readonly reserve: number;
  /** Connections used by apps fleet does not manage. */
  readonly reservedForOthers: number;
  readonly users: readonly BudgetUser[];
}

export interface BudgetLine {
  readonly app: string;
  readonly dynos: number;
  readonly oneOffDynos: number;
  /** The `PG_POOL_MAX` the app gets. */
  readonly poolMax: number;
  /** (dynos + oneOffDynos) × poolMax. */
  readonly connections: number;
}

export interface Budget {
  readonly database: string;
  readonly limit: number;
  readonly reserve: number;
  readonly reservedForOthers: number;
  readonly lines: readonly BudgetLine[];
  /** Sum of every line plus both reserves. */
  readonly total: number;
  readonly fits: boolean;
  /** The arithmetic, one line, for `plan` and for errors. */
  readonly arithmetic: string;
}

/** Connections the users open with every pool capped at `level`. */
function usedAt(users: readonly BudgetUser[], level: number): number {
  return users.reduce((sum, u) => sum + (u.dynos + u.oneOffDynos) * Math.min(u.poolPerDyno, level), 0);
}

/** The highest cap at which the users fit in `free` connections (their own wish when everything fits). */
function capLevel(users: readonly BudgetUser[], free: number): number {
  const highest = Math.max(0, ...users.map((u) => u.poolPerDyno));
  let level = highest;
  while (level > 0 && usedAt(users, level) > free) level--;
  return level;
}

export function computeBudget(input: BudgetInput): Budget {
  const free = input.limit - input.reserve - input.reservedForOthers;
  const level = capLevel(input.users, free);
  const lines = input.users.map((u) => {
    const poolMax = Math.max(Math.min(u.poolPerDyno, level), Math.min(u.poolPerDyno, MIN_POOL));
    return { app: u.app, dynos: u.dynos, oneOffDynos: u.oneOffDynos, poolMax, connections: (u.dynos + u.oneOffDynos) * poolMax };
  });
  const total = lines.reduce((sum, l) => sum + l.connections, 0) + input.reserve + input.reservedForOthers;
  const terms = lines.map((l) => `${l.app} (${l.dynos}+${l.oneOffDynos} dynos × ${l.poolMax})`);
  terms.push(`reserve ${input.reserve}`);
  if (input.reservedForOthers > 0) terms.push(`others ${input.reservedForOthers}`);
  const fits = total <= input.limit;
  const arithmetic = `${terms.join(" + ")} = ${total} ${fits ? "≤" : ">"} limit ${input.limit}`;
  return {
    database: input.database,
    limit: input.limit,
    reserve: input.reserve,
    reservedForOthers: input.reservedForOthers,
    lines,
    total,
    fits,
    arithmetic,
  };
}

/** The largest pool per dyno that would fit if every user got the same one (for the fix in an error). */
export function largestEvenPool(input: BudgetInput): number {
  const free = input.limit - input.reserve - input.reservedForOthers;
  const dynos = input.users.reduce((sum, u) => sum + u.dynos + u.oneOffDynos, 0);
  if (dynos === 0) return 0;
  return Math.max(0, Math.floor(free / dynos));
}
