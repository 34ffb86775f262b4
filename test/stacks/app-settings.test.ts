/**
 * Settings an app declares itself (`fleet:apps.<app>.<key>`, here
 * steam-reviews' `trackedApps`) and the release pin are checked like every
 * setting: each mistake at its config path, what was given, what is
 * expected, and a fix that can be followed — together with the stack's other
 * problems, never instead of them.
 */
import { describe, expect, it } from "vitest";
import { build, completeConfig, editJson, problemsOf, type TestConfig } from "./fixtures";

type Apps = Record<string, Record<string, unknown>>;

function staging(edit: (apps: Apps) => void): TestConfig {
  return editJson<Apps>(completeConfig("staging"), "fleet:apps", edit);
}

function steam(settings: Record<string, unknown>): TestConfig {
  return staging((apps) => {
    apps["steam-reviews"] = { ...apps["steam-reviews"], ...settings };
  });
}

const RM_THEN_SET =
  "pulumi config rm --path 'fleet:apps.steam-reviews.trackedApps' --stack staging; then pulumi config set --path 'fleet:apps.steam-reviews.trackedApps[0]' 3228590 --stack staging, one index per item";

describe("trackedApps", () => {
  it("refuses a comma-separated string where a list belongs", () => {
    expect(problemsOf(build("staging", steam({ trackedApps: "3228590,2437170" })))).toEqual([
      {
        where: "fleet:apps.steam-reviews.trackedApps",
        what: 'is "3228590,2437170" (text); must be a list of Steam app ids, one `- 3228590` per line',
        fix: RM_THEN_SET,
      },
    ]);
  });

  it("names each bad item by its index, with the fix for that item", () => {
    expect(problemsOf(build("staging", steam({ trackedApps: ["3228590", 2437170, -4, 1.5, 99_999_999_999] })))).toEqual([
      {
        where: "fleet:apps.steam-reviews.trackedApps[0]",
        what: 'is "3228590" (text); must be a Steam app id written as a number, such as 3228590 (without quotes)',
        fix: "pulumi config set --path 'fleet:apps.steam-reviews.trackedApps[0]' 3228590 --stack staging",
      },
      {
        where: "fleet:apps.steam-reviews.trackedApps[2]",
        what: "is -4 (a number); must be a positive Steam app id, such as 3228590",
        fix: "pulumi config set --path 'fleet:apps.steam-reviews.trackedApps[2]' 3228590 --stack staging",
      },
      {
        where: "fleet:apps.steam-reviews.trackedApps[3]",
        what: "is 1.5 (a number); must be a whole number: a Steam app id such as 3228590",
        fix: "pulumi config set --path 'fleet:apps.steam-reviews.trackedApps[3]' 3228590 --stack staging",
      },
      {
        where: "fleet:apps.steam-reviews.trackedApps[4]",
        what: "is 99999999999 (a number); must be a Steam app id (at most 2147483647)",
        fix: "pulumi config set --path 'fleet:apps.steam-reviews.trackedApps[4]' 3228590 --stack staging",
      },
    ]);
  });

  it("refuses a game listed twice, and the fix removes the second entry", () => {
    expect(problemsOf(build("staging", steam({ trackedApps: [3228590, 2437170, 3228590] })))).toEqual([
      {
        where: "fleet:apps.steam-reviews.trackedApps[2]",
        what: "is 3228590 (a number); lists 3228590 a second time (first at [0])",
        fix: "pulumi config rm --path 'fleet:apps.steam-reviews.trackedApps[2]' --stack staging",
      },
    ]);
  });

  it("is reported together with the stack's other problems, and registers nothing", () => {
    const config = steam({ trackedApps: [0], formation: { web: { size: "huge" } } });
    const problems = problemsOf(build("staging", config));
    expect(problems.map((p) => p.where)).toEqual(["fleet:apps.steam-reviews.trackedApps[0]", "fleet:apps.steam-reviews.formation.web.size"]);
  });

  it("owns STEAM_TRACKED_APP_IDS: a plain override is refused, naming the setting", () => {
    const problems = problemsOf(build("staging", steam({ config: { STEAM_TRACKED_APP_IDS: "1,2" } })));
    expect(problems).toEqual([
      {
        where: "fleet:apps.steam-reviews.config.STEAM_TRACKED_APP_IDS",
        what: "cannot be set here: fleet sets it from fleet:apps.steam-reviews.trackedApps, so this value would be ignored",
        fix: expect.stringContaining("pulumi config rm --path 'fleet:apps.steam-reviews.config.STEAM_TRACKED_APP_IDS' --stack staging; set fleet:apps.steam-reviews.trackedApps instead"),
      },
    ]);
  });

  it("is steam-reviews' own: a typo lists it beside the common settings, and another app does not take it", () => {
    const typo = problemsOf(build("staging", steam({ trackedApp: [3228590] })));
    expect(typo).toHaveLength(1);
    expect(typo[0]).toMatchObject({ where: "fleet:apps.steam-reviews", what: "unknown setting 'trackedApp'" });
    // The common settings (the release pin among them), then the app's own.
    expect(typo[0]?.fix).toMatch(/known here: enabled, adoptApp, [^;]*\brelease\b[^;]*; steam-reviews also takes trackedApps\)$/);
    const elsewhere = problemsOf(build("staging", staging((apps) => void (apps["euterpe"] = { trackedApps: [3228590] }))));
    expect(elsewhere[0]).toMatchObject({ where: "fleet:apps.euterpe", what: "unknown setting 'trackedApps'" });
    expect(elsewhere[0]?.fix).not.toContain("also takes");
  });

  it("never repeats a value when fleet:apps is stored as a secret", () => {
    const config = steam({ trackedApps: "3228590,2437170" });
    config.secretKeys.push("fleet:apps");
    const [problem] = problemsOf(build("staging", config));
    expect(problem?.what).toBe("is a secret value (not shown); must be a list of Steam app ids, one `- 3228590` per line");
  });

  it("a valid list becomes the variable and one run per game", () => {
    const result = build("staging", steam({ trackedApps: [3228590, 2437170] }));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const app = result.model.apps.find((a) => a.name === "steam-reviews")!;
    expect(app.vars.find((v) => v.name === "STEAM_TRACKED_APP_IDS")).toMatchObject({
      source: "fleet",
      value: "3228590,2437170",
      origin: "fleet:apps.steam-reviews.trackedApps",
    });
    expect(app.oneOffRuns).toEqual([
      { name: "backfill-3228590", command: "node dist/jobs/backfill.js --app-id 3228590", trigger: "tracked 3228590", size: "basic", setting: "fleet:apps.steam-reviews.trackedApps" },
      { name: "backfill-2437170", command: "node dist/jobs/backfill.js --app-id 2437170", trigger: "tracked 2437170", size: "basic", setting: "fleet:apps.steam-reviews.trackedApps" },
    ]);
    expect(result.model.apps.filter((a) => a.name !== "steam-reviews").every((a) => a.oneOffRuns.length === 0)).toBe(true);
  });
});

describe("release pin", () => {
  it.each([
    [41, 41],
    ["v41", 41],
    ["41", 41],
  ])("accepts %j as release %i, for that app only", (given, expected) => {
    const result = build("staging", staging((apps) => void (apps["euterpe"] = { release: given })));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.model.apps.find((a) => a.name === "euterpe")?.pinnedRelease).toBe(expected);
    expect(result.model.apps.filter((a) => a.name !== "euterpe").map((a) => a.pinnedRelease)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it.each([["latest"], [0], [4.5], ["v0"]])("refuses %j with the form it takes", (given) => {
    const problems = problemsOf(build("staging", staging((apps) => void (apps["euterpe"] = { release: given }))));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ where: "fleet:apps.euterpe.release", fix: "pulumi config set --path 'fleet:apps.euterpe.release' <value> --stack staging" });
    expect(problems[0]?.what).toContain("must be a release version of the app, such as 41 or v41 (`heroku releases` lists them)");
  });
});
