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

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a `YYYY-MM-DD` day, without parsing a Date (the chart does this for every day of a game's history). */
function epochDay(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / DAY_MS;
}

/** A number per bucket: equal for the days of one bucket, increasing with time. */
function bucketKey(day: string, size: BucketSize): number {
  if (size === "month") return Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;
  const days = epochDay(day);
  // 1970-01-01 was a Thursday: weeks counted from Monday 1969-12-29.
  return size === "day" ? days : Math.floor((days + 3) / 7);
}

export function bucketStart(day: string, size: BucketSize): string {
  if (size === "day") return day;
  if (size === "month") return `${day.slice(0, 7)}-01`;
  return new Date((bucketKey(day, "week") * 7 - 3) * DAY_MS).toISOString().slice(0, 10);
}

/** Buckets in date order; a bucket without reviews is absent (the chart joins its neighbours). */
export function bucketise(days: readonly DayCounts[], size: BucketSize): Bucket[] {
  const buckets = new Map<number, { start: string; totals: Totals }>();
  for (const day of days) {
    const key = bucketKey(day.day, size);
    const bucket = buckets.get(key);
    if (bucket) bucket.totals = add(bucket.totals, day);
    else buckets.set(key, { start: bucketStart(day.day, size), totals: add(EMPTY, day) });
  }
  return [...buckets]
    .sort(([a], [b]) => a - b)
    .map(([, bucket]) => ({ start: bucket.start, ...bucket.totals }));
}

/** Mean sentiment of the analysed reviews, -1 … +1; undefined when none is analysed. */
export function meanSentiment(totals: Totals): number | undefined {
  return totals.analysed === 0 ? undefined : totals.sentimentSum / totals.analysed;
}
