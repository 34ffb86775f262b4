import { describe, expect, it } from "vitest";
import { estimateMonthlyCost, formatCostEstimate, formatUsd } from "../../components/cost";

describe("estimateMonthlyCost", () => {
  it("prices dynos, add-ons and the scheduler from plans.ts", () => {
    const estimate = estimateMonthlyCost([
      { app: "shop-sentiment", kind: "dyno", process: "web", size: "standard-1x", quantity: 2 },
      { app: "shop-sentiment", kind: "postgres", plan: "standard-0" },
      { app: "shop-sentiment", kind: "redis", plan: "premium-0" },
      { app: "steam-reviews", kind: "dyno", process: "web", size: "basic", quantity: 1 },
      { app: "steam-reviews", kind: "scheduler", plan: "standard" },
    ]);
    expect(estimate.lines).toEqual([
      { app: "shop-sentiment", kind: "dyno", item: "web standard-1x", quantity: 2, unitUsd: 25, monthlyUsd: 50 },
      { app: "shop-sentiment", kind: "postgres", item: "heroku-postgresql:standard-0", quantity: 1, unitUsd: 50, monthlyUsd: 50 },
      { app: "shop-sentiment", kind: "redis", item: "heroku-redis:premium-0", quantity: 1, unitUsd: 15, monthlyUsd: 15 },
      { app: "steam-reviews", kind: "dyno", item: "web basic", quantity: 1, unitUsd: 7, monthlyUsd: 7 },
      {
        app: "steam-reviews",
        kind: "scheduler",
        item: "scheduler:standard",
        quantity: 1,
        unitUsd: 0,
        monthlyUsd: 0,
        note: "job dynos billed by run time, not estimated",
      },
    ]);
    expect(estimate.totalUsd).toBe(122);
    expect(estimate.complete).toBe(true);
    expect(estimate.unknown).toEqual([]);
  });

  it("lists unknown plans as such and leaves them out of the total", () => {
    const estimate = estimateMonthlyCost([
      { app: "a", kind: "postgres", plan: "essential-0" },
      { app: "a", kind: "postgres", plan: "premium-9" },
      { app: "b", kind: "redis", plan: "enormous" },
      { app: "b", kind: "dyno", size: "shield-l", quantity: 1 },
    ]);
    expect(estimate.totalUsd).toBe(5);
    expect(estimate.complete).toBe(false);
    expect(estimate.unknown.map((l) => [l.item, l.monthlyUsd, l.note])).toEqual([
      ["heroku-postgresql:premium-9", undefined, "unknown price"],
      ["heroku-redis:enormous", undefined, "unknown price"],
      ["shield-l", undefined, "unknown price"],
    ]);
  });

  it("eco dynos share one subscription per account", () => {
    const estimate = estimateMonthlyCost([
      { app: "a", kind: "dyno", process: "web", size: "eco", quantity: 1 },
      { app: "b", kind: "dyno", process: "worker", size: "Eco", quantity: 1 },
    ]);
    expect(estimate.lines.map((l) => [l.app, l.item, l.monthlyUsd])).toEqual([
      ["a", "web eco", 0],
      ["b", "worker eco", 0],
      ["(account)", "eco subscription (hours shared by every eco dyno)", 5],
    ]);
    expect(estimate.totalUsd).toBe(5);
  });

  it("scaled-down dynos cost nothing; an unknown scheduler plan is unknown", () => {
    const estimate = estimateMonthlyCost([
      { app: "a", kind: "dyno", size: "performance-m", quantity: 0 },
      { app: "a", kind: "scheduler", plan: "premium" },
    ]);
    expect(estimate.lines[0]!.monthlyUsd).toBe(0);
    expect(estimate.unknown.map((l) => l.item)).toEqual(["scheduler:premium"]);
  });

  it("refuses a quantity that is not a whole number", () => {
    expect(() => estimateMonthlyCost([{ app: "a", kind: "dyno", size: "basic", quantity: 1.5 }])).toThrow(/a dyno: quantity 1.5/);
    expect(() => estimateMonthlyCost([{ app: "a", kind: "redis", plan: "mini", quantity: -1 }])).toThrow(/quantity -1/);
  });

  it("an empty environment costs nothing", () => {
    expect(estimateMonthlyCost([])).toEqual({ lines: [], totalUsd: 0, unknown: [], complete: true });
  });
});

describe("formatCostEstimate", () => {
  it("aligns the lines and ends with the total and what is unknown", () => {
    const text = formatCostEstimate(
      estimateMonthlyCost([
        { app: "shop", kind: "dyno", process: "web", size: "standard-1x", quantity: 2 },
        { app: "threads-api", kind: "postgres", plan: "mystery-1" },
      ]),
    );
    expect(text).toEqual([
      "shop         web standard-1x              × 2  $50",
      "threads-api  heroku-postgresql:mystery-1  × 1  ?    unknown price",
      "total $50/month + 1 unknown (heroku-postgresql:mystery-1)",
    ]);
  });

  it("formats dollars", () => {
    expect(formatUsd(5)).toBe("$5");
    expect(formatUsd(12.5)).toBe("$12.50");
  });
});

describe("extra add-ons", () => {
  it("are priced from plans.ts where the plan is known, free plans at $0, any other as unknown", () => {
    const estimate = estimateMonthlyCost([
      { app: "shop-sentiment", kind: "addon", plan: "papertrail:choklad" },
      { app: "shop-sentiment", kind: "addon", plan: "papertrail:fixa" },
      { app: "shop-sentiment", kind: "addon", plan: "newrelic:enterprise" },
    ]);
    expect(estimate.lines.map((l) => [l.item, l.monthlyUsd, l.note])).toEqual([
      ["papertrail:choklad", 0, undefined],
      ["papertrail:fixa", 7, undefined],
      ["newrelic:enterprise", undefined, "unknown price"],
    ]);
    expect(estimate.totalUsd).toBe(7);
    expect(estimate.unknown.map((l) => l.item)).toEqual(["newrelic:enterprise"]);
    expect(formatCostEstimate(estimate).at(-1)).toBe("total $7/month + 1 unknown (newrelic:enterprise)");
  });
});
