/**
 * The real program under the mock runtime: steam-reviews' tracked games
 * (`fleet:apps.steam-reviews.trackedApps`) become STEAM_TRACKED_APP_IDS and
 * one backfill run per game, after the build and config, one at a time,
 * beside the app's smoke check (neither waits for the other); a release pin
 * (`fleet:apps.<app>.release`) reaches only that app's Build, which then
 * ignores source changes, and its smoke check checks the pin's release.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { runProgram, type Registered, type RunResult } from "../harness/program";
import { outputs as serviceOutputs } from "../harness/service-outputs";
import { completeConfig, editJson, type TestConfig } from "./fixtures";

const RUN = "pulumi-nodejs:dynamic/heroku:OneOffRun";
const BUILD = "pulumi-nodejs:dynamic/heroku:Build";

function run(stack: string, config: TestConfig): Promise<RunResult> {
  return runProgram({ stack, config: config.values, secretKeys: config.secretKeys, outputs: serviceOutputs });
}

const byName = (result: RunResult, name: string): Registered => {
  const found = result.resources.find((r) => r.name === name);
  if (!found) throw new Error(`no resource named ${name}`);
  return found;
};
const runs = (result: RunResult): Registered[] => result.resources.filter((r) => r.type === RUN);

function withSteamReviews(stack: "staging" | "production", settings: Record<string, unknown>): TestConfig {
  return editJson<Record<string, Record<string, unknown>>>(completeConfig(stack), "fleet:apps", (apps) => {
    apps["steam-reviews"] = { ...apps["steam-reviews"], ...settings };
  });
}

describe.each(["staging", "production"] as const)("stack %s: tracked games", (stack) => {
  let result: RunResult;
  beforeAll(async () => {
    result = await run(stack, completeConfig(stack));
  }, 120_000);

  it("sets STEAM_TRACKED_APP_IDS and runs one backfill per game, after the build and config vars, one at a time", () => {
    expect(result.error).toBeUndefined();
    const vars = byName(result, "steam-reviews-config").inputs["vars"] as Record<string, string>;
    expect(vars["STEAM_TRACKED_APP_IDS"]).toBe("3228590,2437170");
    const [first, second] = runs(result);
    expect(runs(result).map((r) => r.name)).toEqual(["steam-reviews-run-backfill-3228590", "steam-reviews-run-backfill-2437170"]);
    expect(first?.inputs).toMatchObject({
      command: "node dist/jobs/backfill.js --app-id 3228590",
      trigger: "tracked 3228590",
      size: stack === "production" ? "standard-1X" : "basic",
    });
    expect(first?.parent).toBe(byName(result, "steam-reviews").urn);
    const build = byName(result, "steam-reviews-build").urn;
    const config = byName(result, "steam-reviews-config").urn;
    expect(first?.dependencies).toEqual(expect.arrayContaining([build, config]));
    expect(second?.dependencies).toEqual(expect.arrayContaining([build, config, first!.urn]));
    // Two small resources per stack; no other app runs anything.
    expect(runs(result).every((r) => r.name.startsWith("steam-reviews-"))).toBe(true);
  });

  it("the smoke check and the backfill runs both follow the build; neither waits for the other", () => {
    const check = byName(result, "steam-reviews-smoke-check");
    expect(check.dependencies).toContain(byName(result, "steam-reviews-build").urn);
    expect(check.inputs).toMatchObject({ releaseId: "release-steam-reviews-build", releaseVersion: 12 });
    for (const backfill of runs(result)) {
      expect(check.dependencies, backfill.name).not.toContain(backfill.urn);
      expect(backfill.dependencies, backfill.name).not.toContain(check.urn);
    }
  });
});

describe("tracked games change", () => {
  it("a newly listed game gets its own run; an unlisted one loses its run (nothing is undone), the others stay as they are", async () => {
    const more = await run("staging", withSteamReviews("staging", { trackedApps: [2437170, 1172470] }));
    expect(more.error).toBeUndefined();
    expect(runs(more).map((r) => [r.name, r.inputs["trigger"]])).toEqual([
      ["steam-reviews-run-backfill-2437170", "tracked 2437170"],
      ["steam-reviews-run-backfill-1172470", "tracked 1172470"],
    ]);
    expect((byName(more, "steam-reviews-config").inputs["vars"] as Record<string, string>)["STEAM_TRACKED_APP_IDS"]).toBe("2437170,1172470");
  });

  it("an empty list sets no variable and runs nothing", async () => {
    const none = await run("staging", withSteamReviews("staging", { trackedApps: [] }));
    expect(none.error).toBeUndefined();
    expect(runs(none)).toEqual([]);
    expect(byName(none, "steam-reviews-config").inputs["vars"]).not.toHaveProperty("STEAM_TRACKED_APP_IDS");
  });
});

describe("release pin", () => {
  it("pins only that app's Build, which ignores source changes while pinned", async () => {
    const pinned = await run("production", withSteamReviews("production", { release: "v41" }));
    expect(pinned.error).toBeUndefined();
    const build = byName(pinned, "steam-reviews-build");
    expect(build.inputs["pinnedRelease"]).toBe(41);
    expect(build.ignoreChanges).toEqual(["sourceSha256", "buildEnvSha256", "buildpacks"]);
    for (const other of pinned.resources.filter((r) => r.type === BUILD && r.name !== "steam-reviews-build")) {
      expect(other.inputs, other.name).not.toHaveProperty("pinnedRelease");
      expect(other.ignoreChanges, other.name).toEqual([]);
    }
    // The smoke check checks the release that runs: the pin's; the other apps', their build's.
    expect(byName(pinned, "steam-reviews-smoke-check").inputs).toMatchObject({ releaseId: "pin-release-steam-reviews-build", releaseVersion: 13 });
    expect(byName(pinned, "shop-sentiment-smoke-check").inputs).toMatchObject({ releaseId: "release-shop-sentiment-build", releaseVersion: 12 });
    const unpinned = await run("production", completeConfig("production"));
    expect(byName(unpinned, "steam-reviews-build").inputs).not.toHaveProperty("pinnedRelease");
    expect(byName(unpinned, "steam-reviews-build").ignoreChanges).toEqual([]);
    expect(byName(unpinned, "steam-reviews-smoke-check").inputs).toMatchObject({ releaseId: "release-steam-reviews-build", releaseVersion: 12 });
  });
});
