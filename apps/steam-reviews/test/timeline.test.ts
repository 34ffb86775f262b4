/** The chart's buckets: days, weeks from Monday (UTC) or months, chosen by how long the history is, summing every count. */
import { describe, expect, it } from "vitest";
import type { DayCounts } from "../src/data/dashboard-queries.js";
import { bucketise, bucketSizeFor, bucketStart, meanSentiment, totalsOf } from "../src/views/timeline.js";

const day = (date: string, reviews = 1): DayCounts => ({ day: date, reviews, positive: reviews, analysed: reviews, sentimentSum: reviews / 2, sentimentPositive: reviews, sentimentNegative: 0 });

describe("timeline", () => {
  it("starts weeks on Monday and months on the 1st", () => {
    expect(bucketStart("2026-11-29", "week")).toBe("2026-11-23"); // a Sunday
    expect(bucketStart("2026-11-30", "week")).toBe("2026-11-30"); // a Monday
    expect(bucketStart("2026-01-01", "week")).toBe("2025-12-29"); // across a year
    expect(bucketStart("1970-01-01", "week")).toBe("1969-12-29");
    expect(bucketStart("2024-02-29", "month")).toBe("2024-02-01");
    for (let offset = 0; offset < 400; offset++) {
      const date = new Date(Date.UTC(2025, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
      const start = bucketStart(date, "week");
      expect(new Date(`${start}T00:00:00Z`).getUTCDay(), date).toBe(1);
      expect(Date.parse(date) - Date.parse(start)).toBeLessThan(7 * 86_400_000);
    }
  });

  it("picks days for six weeks of history, weeks up to two years, months beyond", () => {
    expect(bucketSizeFor([day("2026-10-01"), day("2026-11-10")])).toBe("day");
    expect(bucketSizeFor([day("2025-01-01"), day("2026-11-10")])).toBe("week");
    expect(bucketSizeFor([day("2023-01-01"), day("2026-11-10")])).toBe("month");
  });

  it("sums days into buckets in date order, and the buckets into the same totals", () => {
    const days = [day("2026-11-02", 2), day("2026-11-08", 3), day("2026-11-09", 5), day("2026-12-31", 1)];
    const weeks = bucketise(days, "week");
    expect(weeks.map((bucket) => [bucket.start, bucket.reviews])).toEqual([
      ["2026-11-02", 5],
      ["2026-11-09", 5],
      ["2026-12-28", 1],
    ]);
    expect(totalsOf(weeks.map((bucket) => ({ ...bucket, day: bucket.start })))).toEqual(totalsOf(days));
    expect(meanSentiment(totalsOf(days))).toBe(0.5);
    expect(meanSentiment(totalsOf([]))).toBeUndefined();
  });
});
