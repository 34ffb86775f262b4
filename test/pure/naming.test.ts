import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fitName, HEROKU_APP_NAME, herokuAppName, herokuAppNameProblem, stackSuffix } from "../../components/naming";

const part = fc.stringMatching(/^[a-z][a-z0-9]{0,24}(-[a-z0-9]{1,12}){0,2}$/);

describe("Heroku app names", () => {
  it("are <prefix>-<app>[-stg] when they fit", () => {
    expect(herokuAppName("fleet", "euterpe", "production")).toBe("fleet-euterpe");
    expect(herokuAppName("fleet", "euterpe", "staging")).toBe("fleet-euterpe-stg");
    expect(stackSuffix("Review 42")).toBe("review-4");
  });

  it("are cut with a hash when too long, and stay distinct", () => {
    const a = herokuAppName("acme-company", "steam-reviews-analytics", "staging");
    const b = herokuAppName("acme-company", "steam-reviews-analyticz", "staging");
    expect(a.length).toBeLessThanOrEqual(30);
    expect(a).not.toBe(b);
    expect(a).toMatch(HEROKU_APP_NAME);
  });

  it("always satisfy Heroku's rule and the 30-character budget (property)", () => {
    fc.assert(
      fc.property(part, part, fc.constantFrom("staging", "production", "review-7"), (prefix, app, stack) => {
        const name = herokuAppName(prefix, app, stack);
        expect(herokuAppNameProblem(name)).toBeUndefined();
        expect(name.length).toBeLessThanOrEqual(30);
      }),
    );
  });

  it("are deterministic and injective on distinct inputs that need cutting (property)", () => {
    fc.assert(
      fc.property(fc.array(part, { minLength: 2, maxLength: 4 }), fc.integer({ min: 12, max: 40 }), (parts, max) => {
        expect(fitName(parts, max)).toBe(fitName(parts, max));
        expect(fitName(parts, max).length).toBeLessThanOrEqual(max);
      }),
    );
  });

  it("explains what is wrong with a bad name", () => {
    expect(herokuAppNameProblem("ab")).toBe("'ab' is 2 characters; Heroku app names have 3 to 30");
    expect(herokuAppNameProblem("my-app-")).toContain("breaks Heroku's rule");
    expect(herokuAppNameProblem("My_App")).toContain("breaks Heroku's rule");
  });
});
