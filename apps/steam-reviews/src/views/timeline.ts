/** The per-day counts of a game, summed into totals and into the buckets its chart shows. */
import type { DayCounts } from "../data/dashboard-queries.js";

export interface Totals {
  readonly reviews: number;
  readonly positive: number;
  readonly analysed: number;
  readonly sentimentSum: number;
  readonly sentimentPositive: number;
  readonly sentimentNegative: number;
}

export type BucketSize = "day" | "week" | "month";

export interface Bucket extends Totals {
  /** First day of the bucket, `YYYY-MM-DD` (weeks start on Monday, UTC). */
  readonly start: string;
}

const EMPTY: Totals = { reviews: 0, positive: 0, analysed: 0, sentimentSum: 0, sentimentPositive: 0, sentimentNegative: 0 };

function add(a: Totals, b: Totals): Totals {
  return {
    reviews: a.reviews + b.reviews,
    positive: a.positive + b.positive,
    analysed: a.analysed + b.analysed,
    sentimentSum: a.sentimentSum + b.sentimentSum,
    sentimentPositive: a.sentimentPositive + b.sentimentPositive,
    sentimentNegative: a.sentimentNegative + b.sentimentNegative,
  };
}

export function totalsOf(days: readonly DayCounts[]): Totals {
  return days.reduce<Totals>((sum, day) => add(sum, day), EMPTY);
}

/** Days for up to ~6 weeks of history, weeks up to ~2 years, months beyond: a chart of a few dozen points. */
export function bucketSizeFor(days: readonly DayCounts[]): BucketSize {
  if (days.length === 0) return "week";
  const first = Date.parse(days[0]!.day);
  const last = Date.parse(days.at(-1)!.day);
  const spanDays = (last - first) / 86_400_000;
  return spanDays <= 45 ? "day" : spanDays <= 730 ? "week" : "month";
}

export function bucketStart(day: string, size: BucketSize): string {
  if (size === "day") return day;
  if (size === "month") return `${day.slice(0, 7)}-01`;
  const date = new Date(`${day}T00:00:00Z`);
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  return new Date(date.getTime() - sinceMonday * 86_400_000).toISOString().slice(0, 10);
}

/** Buckets in date order; a bucket without reviews is absent (the chart joins its neighbours). */
export function bucketise(days: readonly DayCounts[], size: BucketSize): Bucket[] {
  const buckets = new Map<string, Totals>();
  for (const day of days) {
    const start = bucketStart(day.day, size);
    buckets.set(start, add(buckets.get(start) ?? EMPTY, day));
  }
  return [...buckets].sort(([a], [b]) => a.localeCompare(b)).map(([start, totals]) => ({ start, ...totals }));
}

/** Mean sentiment of the analysed reviews, -1 … +1; undefined when none is analysed. */
export function meanSentiment(totals: Totals): number | undefined {
  return totals.analysed === 0 ? undefined : totals.sentimentSum / totals.analysed;
}
