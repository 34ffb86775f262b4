/**
 * Monthly cost estimate of an environment from Heroku list prices
 * (components/plans.ts). An estimate, not a bill: prices drift, dynos are
 * billed by the second up to the monthly price, and scheduler runs by their
 * run time. A plan fleet has no price for is listed as such and left out of
 * the total, never counted as zero silently.
 */
import { addonMonthlyUsd, dynoMonthlyUsd, postgresPlan, redisPlan } from "./plans";

/** Something an environment pays for. */
export type CostItem =
  /** `quantity` dynos of one process type. */
  | { readonly app: string; readonly kind: "dyno"; readonly size: string; readonly quantity: number; readonly process?: string }
  /** An add-on plan (`standard-0`, `mini`) the app bills; attachments to it cost nothing and are not items. */
  | { readonly app: string; readonly kind: "postgres" | "redis"; readonly plan: string; readonly quantity?: number }
  /** Heroku Scheduler (`standard`); its job dynos are billed by run time and not estimated. */
  | { readonly app: string; readonly kind: "scheduler"; readonly plan?: string; readonly quantity?: number }
  /** An extra add-on from the stack (`papertrail:choklad`). */
  | { readonly app: string; readonly kind: "addon"; readonly plan: string; readonly quantity?: number };

export interface CostLine {
  readonly app: string;
  readonly kind: CostItem["kind"];
  /** Size or plan, with the process type for dynos (`web standard-1x`). */
  readonly item: string;
  readonly quantity: number;
  /** Price of one per month; undefined when unknown. */
  readonly unitUsd: number | undefined;
  /** quantity × unit; undefined when unknown. */
  readonly monthlyUsd: number | undefined;
  /** Why the price is unusual (unknown, shared, billed by use). */
  readonly note?: string;
}

export interface CostEstimate {
  readonly lines: readonly CostLine[];
  /** Sum of every priced line (USD per month). */
  readonly totalUsd: number;
  /** Lines whose price fleet does not know; the total leaves them out. */
  readonly unknown: readonly CostLine[];
  /** Every line is priced. */
  readonly complete: boolean;
}

/** Heroku's Eco plan: one subscription per account covers every eco dyno (a shared pool of hours). */
const ECO = "eco";
/** Heroku Scheduler's only plan is free; the one-off dynos it starts are billed by run time. */
const FREE_SCHEDULER = "standard";

export function estimateMonthlyCost(items: readonly CostItem[]): CostEstimate {
  for (const item of items) assertQuantity(item);
  const lines = items.map(costLine);
  if (items.some((i) => i.kind === "dyno" && i.size.toLowerCase() === ECO && i.quantity > 0)) {
    lines.push(ecoSubscriptionLine());
  }
  const unknown = lines.filter((l) => l.monthlyUsd === undefined);
  const totalUsd = lines.reduce((sum, l) => sum + (l.monthlyUsd ?? 0), 0);
  return { lines, totalUsd, unknown, complete: unknown.length === 0 };
}

function costLine(item: CostItem): CostLine {
  switch (item.kind) {
    case "dyno": {
      const size = item.size.toLowerCase();
      const name = item.process ? `${item.process} ${size}` : size;
      if (size === ECO) return priced(item, name, item.quantity, 0, "covered by the account's eco subscription");
      return priced(item, name, item.quantity, dynoMonthlyUsd(size));
    }
    case "postgres":
      return priced(item, `heroku-postgresql:${item.plan}`, item.quantity ?? 1, postgresPlan(item.plan)?.monthlyUsd);
    case "redis":
      return priced(item, `heroku-redis:${item.plan}`, item.quantity ?? 1, redisPlan(item.plan)?.monthlyUsd);
    case "addon":
      return priced(item, item.plan, item.quantity ?? 1, addonMonthlyUsd(item.plan));
    case "scheduler": {
      const plan = item.plan ?? FREE_SCHEDULER;
      const unit = plan === FREE_SCHEDULER ? 0 : undefined;
      return priced(item, `scheduler:${plan}`, item.quantity ?? 1, unit, unit === 0 ? "job dynos billed by run time, not estimated" : undefined);
    }
  }
}

function priced(item: CostItem, name: string, quantity: number, unitUsd: number | undefined, note?: string): CostLine {
  return {
    app: item.app,
    kind: item.kind,
    item: name,
    quantity,
    unitUsd,
    monthlyUsd: unitUsd === undefined ? undefined : unitUsd * quantity,
    ...(unitUsd === undefined ? { note: "unknown price" } : note ? { note } : {}),
  };
}

function ecoSubscriptionLine(): CostLine {
  const unitUsd = dynoMonthlyUsd(ECO);
  return {
    app: "(account)",
    kind: "dyno",
    item: "eco subscription (hours shared by every eco dyno)",
    quantity: 1,
    unitUsd,
    monthlyUsd: unitUsd,
    ...(unitUsd === undefined ? { note: "unknown price" } : {}),
  };
}

function assertQuantity(item: CostItem): void {
  const quantity = item.kind === "dyno" ? item.quantity : (item.quantity ?? 1);
  if (!Number.isInteger(quantity) || quantity < 0) {
    throw new Error(`cost of ${item.app} ${item.kind}: quantity ${quantity} is not a whole number of at least 0`);
  }
}

/** USD with two decimals only when needed: `$5`, `$12.50`. */
export function formatUsd(usd: number): string {
  return Number.isInteger(usd) ? `$${usd}` : `$${usd.toFixed(2)}`;
}

/** The estimate as aligned text lines for `npm run plan`, total last. */
export function formatCostEstimate(estimate: CostEstimate): string[] {
  const rows = estimate.lines.map((l) => [
    l.app,
    l.item,
    `× ${l.quantity}`,
    l.monthlyUsd === undefined ? "?" : formatUsd(l.monthlyUsd),
    l.note ?? "",
  ]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(0, ...rows.map((r) => r[c]!.length)));
  const text = rows.map((r) => r.map((cell, c) => (c < 4 ? cell.padEnd(widths[c]!) : cell)).join("  ").trimEnd());
  const unknown = estimate.complete ? "" : ` + ${estimate.unknown.length} unknown (${estimate.unknown.map((l) => l.item).join(", ")})`;
  text.push(`total ${formatUsd(estimate.totalUsd)}/month${unknown}`);
  return text;
}
