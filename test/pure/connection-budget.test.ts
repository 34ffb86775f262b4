import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeBudget, MIN_POOL, type BudgetInput } from "../../components/postgres/connection-budget";

describe("connection budget", () => {
  it("keeps every wanted pool when it fits and shows the arithmetic", () => {
    const budget = computeBudget({
      database: "hermes",
      limit: 20,
      reserve: 5,
      reservedForOthers: 5,
      users: [{ app: "euterpe", dynos: 1, oneOffDynos: 1, poolPerDyno: 5 }],
    });
    expect(budget.fits).toBe(true);
    expect(budget.lines[0]!.poolMax).toBe(5);
    expect(budget.arithmetic).toBe("euterpe (1+1 dynos × 5) + reserve 5 + others 5 = 20 ≤ limit 20");
  });

  it("caps pools at a common level when the wishes do not fit", () => {
    const budget = computeBudget({
      database: "shared",
      limit: 40,
      reserve: 3,
      reservedForOthers: 0,
      users: [
        { app: "a", dynos: 1, oneOffDynos: 2, poolPerDyno: 10 },
        { app: "b", dynos: 1, oneOffDynos: 1, poolPerDyno: 2 },
        { app: "c", dynos: 2, oneOffDynos: 1, poolPerDyno: 10 },
      ],
    });
    expect(budget.fits).toBe(true);
    expect(budget.lines.map((l) => l.poolMax)).toEqual([5, 2, 5]);
    expect(budget.total).toBeLessThanOrEqual(40);
  });

  it("fails, with the numbers, when even the minimum pool does not fit", () => {
    const budget = computeBudget({
      database: "tiny",
      limit: 20,
      reserve: 5,
      reservedForOthers: 10,
      users: [{ app: "a", dynos: 3, oneOffDynos: 1, poolPerDyno: 5 }],
    });
    expect(budget.fits).toBe(false);
    expect(budget.arithmetic).toBe("a (3+1 dynos × 2) + reserve 5 + others 10 = 23 > limit 20");
  });

  const input = fc.record({
    database: fc.constant("db"),
    limit: fc.integer({ min: 1, max: 500 }),
    reserve: fc.integer({ min: 0, max: 10 }),
    reservedForOthers: fc.integer({ min: 0, max: 20 }),
    users: fc.array(
      fc.record({ app: fc.string(), dynos: fc.integer({ min: 0, max: 10 }), oneOffDynos: fc.integer({ min: 0, max: 2 }), poolPerDyno: fc.integer({ min: 1, max: 20 }) }),
      { minLength: 1, maxLength: 6 },
    ),
  }) satisfies fc.Arbitrary<BudgetInput>;

  it("never accepts more connections than the limit, never gives more than wanted (property)", () => {
    fc.assert(
      fc.property(input, (i) => {
        const budget = computeBudget(i);
        if (budget.fits) expect(budget.total).toBeLessThanOrEqual(i.limit);
        budget.lines.forEach((line, n) => {
          expect(line.poolMax).toBeLessThanOrEqual(i.users[n]!.poolPerDyno);
          expect(line.poolMax).toBeGreaterThanOrEqual(Math.min(MIN_POOL, i.users[n]!.poolPerDyno));
        });
      }),
    );
  });

  it("only shrinks pools when the wished pools would not fit (property)", () => {
    fc.assert(
      fc.property(input, (i) => {
        const wanted = i.users.reduce((s, u) => s + (u.dynos + u.oneOffDynos) * u.poolPerDyno, 0) + i.reserve + i.reservedForOthers;
        const budget = computeBudget(i);
        if (wanted <= i.limit) expect(budget.lines.map((l) => l.poolMax)).toEqual(i.users.map((u) => u.poolPerDyno));
      }),
    );
  });
});
