/**
 * Rollback through the Build: pinned to an earlier release, the app runs
 * that release's slug again (`POST /apps/{app}/releases` with `slug`, today's
 * config vars kept), in place and on this app only; unpinned, the build's own
 * slug runs again. Releases that cannot be pinned are refused before
 * anything is released; lost answers and failed release phases are handled.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { HerokuDouble } from "../heroku-double/index";
import { createResource, diffResource, makeAppSource, updateResource, type Tracked } from "./scenario";
import { useHerokuDouble } from "./use-heroku-double";

let heroku: HerokuDouble;
let appId = "";
const APP = "pin-app";
const OTHER = "pin-other-app";

useHerokuDouble((h) => {
  heroku = h;
  appId = h.seed.app({ name: APP, configVars: { FEATURE: "v1" } }).id;
  h.seed.app({ name: OTHER });
  h.seed.deploy({ app: OTHER, processTypes: { web: "node other.js" } });
});

let first: Tracked;
let second: Tracked;
let firstVersion = 0;
let secondSlug = "";
let sourceDir = "";

beforeAll(async () => {
  first = await createResource("build", { app: appId, sourceDir: makeAppSource({ marker: "good" }) });
  firstVersion = Number(first.outputs["releaseVersion"]);
  sourceDir = makeAppSource({ marker: "bad" });
  second = await createResource("build", { app: appId, sourceDir });
  secondSlug = String(second.outputs["slugId"]);
  heroku.handEdit.configVars(APP, { FEATURE: "v2" });
  heroku.settle();
});

const releasesOfOther = (): number => heroku.state.releasesOf(OTHER).length;

describe("Build pinned to an earlier release", () => {
  it("releases that release's slug with today's config, on this app only, and shows the pin; unpinning runs the build again", async () => {
    const otherBefore = releasesOfOther();
    heroku.clearRequests();
    const inputs = { app: appId, sourceDir };
    expect(await diffResource(second, { ...inputs, pinnedRelease: firstVersion })).toMatchObject({ changes: true, replaces: [] });
    await updateResource(second, { ...inputs, pinnedRelease: firstVersion });

    const current = heroku.state.currentRelease(APP)!;
    expect(current.slugId).toBe(first.outputs["slugId"]);
    expect(current.description).toBe(`Rollback to v${firstVersion} (pinned by fleet)`);
    expect(heroku.state.userConfigVars(APP)).toMatchObject({ FEATURE: "v2" });
    const posts = heroku.requests.filter((r) => r.method === "POST" && r.path.endsWith("/releases"));
    expect(posts.map((r) => r.body)).toEqual([{ slug: first.outputs["slugId"], description: `Rollback to v${firstVersion} (pinned by fleet)` }]);
    expect(second.outputs).toMatchObject({ pinnedRelease: firstVersion, pinnedSlugId: first.outputs["slugId"], pinReleaseVersion: current.version, slugId: secondSlug });
    expect(releasesOfOther()).toBe(otherBefore);
    expect(heroku.state.buildsOf(APP)).toHaveLength(2);

    expect((await diffResource(second, { ...inputs, pinnedRelease: firstVersion })).changes).toBe(false);

    heroku.clearRequests();
    await updateResource(second, inputs);
    expect(heroku.state.currentRelease(APP)?.slugId).toBe(secondSlug);
    expect(heroku.state.currentRelease(APP)?.description).toMatch(/^Back to build [0-9a-f]{8}: release pin removed \(fleet\)$/);
    expect(second.outputs["pinnedRelease"]).toBeUndefined();
    expect(second.outputs["pinnedSlugId"]).toBeUndefined();
    expect(heroku.state.buildsOf(APP)).toHaveLength(2);
    expect(releasesOfOther()).toBe(otherBefore);
  });

  it("pinning the release that already runs makes no new release", async () => {
    const running = heroku.state.currentRelease(APP)!;
    const before = heroku.state.releasesOf(APP).length;
    await updateResource(second, { app: appId, sourceDir, pinnedRelease: running.version });
    expect(heroku.state.releasesOf(APP)).toHaveLength(before);
    expect(second.outputs).toMatchObject({ pinnedRelease: running.version, pinReleaseVersion: running.version });
    await updateResource(second, { app: appId, sourceDir });
    expect(heroku.state.releasesOf(APP)).toHaveLength(before);
  });

  it("refuses a release that does not exist, has no slug or never ran, and releases nothing", async () => {
    heroku.control.failNextReleasePhase({ app: APP, message: "migration failed" });
    heroku.handEdit.configVars(APP, { FEATURE: "broken" });
    heroku.settle();
    const failedVersion = heroku.state.releasesOf(APP).at(-1)!.version;
    expect(heroku.state.releasesOf(APP).at(-1)?.status).toBe("failed");
    const before = heroku.state.releasesOf(APP).length;
    const attempt = (pinnedRelease: number) => updateResource({ ...second, outputs: { ...second.outputs } }, { app: appId, sourceDir, pinnedRelease });
    await expect(attempt(999)).rejects.toThrow(`app ${APP} has no release v999: \`heroku releases -a ${APP}\` lists its releases`);
    await expect(attempt(1)).rejects.toThrow(`release v1 of app ${APP} has no slug (it came before the first build)`);
    await expect(attempt(failedVersion)).rejects.toThrow(`release v${failedVersion} of app ${APP} failed in its release phase, so it never ran`);
    expect(heroku.state.releasesOf(APP)).toHaveLength(before);
    heroku.handEdit.configVars(APP, { FEATURE: "v2" });
    heroku.settle();
  });

  it("a release whose answer was lost is found, not made twice; a failed release phase says so", async () => {
    const before = heroku.state.releasesOf(APP).length;
    heroku.faults.inject("commit-then-drop", { method: "POST", path: "/apps/:app/releases" });
    const pinned = { ...second, outputs: { ...second.outputs } };
    await updateResource(pinned, { app: appId, sourceDir, pinnedRelease: firstVersion });
    expect(heroku.state.releasesOf(APP)).toHaveLength(before + 1);
    expect(heroku.state.currentRelease(APP)?.slugId).toBe(first.outputs["slugId"]);

    heroku.control.failNextReleasePhase({ app: APP, message: "old code cannot read the new schema" });
    await expect(updateResource(pinned, { app: appId, sourceDir })).rejects.toThrow(
      /the build's slug was released again but release v\d+ failed in the release phase, so it was not deployed.*old code cannot read the new schema/s,
    );
    expect(heroku.state.currentRelease(APP)?.slugId).toBe(first.outputs["slugId"]);
    await updateResource(pinned, { app: appId, sourceDir });
    expect(heroku.state.currentRelease(APP)?.slugId).toBe(secondSlug);
  });

  it("a build created while pinned builds, then runs the pinned slug; a pin that fails keeps the build for the next up", async () => {
    const third = await createResource("build", { app: appId, sourceDir: makeAppSource({ marker: "third" }), pinnedRelease: firstVersion });
    expect(heroku.state.currentRelease(APP)?.slugId).toBe(first.outputs["slugId"]);
    expect(third.outputs).toMatchObject({ pinnedRelease: firstVersion, pinnedSlugId: first.outputs["slugId"] });

    const failed = await createResource("build", { app: appId, sourceDir: makeAppSource({ marker: "fourth" }), pinnedRelease: 999 }).then(
      () => undefined,
      (e: unknown) => e as Error & { id?: string; properties?: Record<string, unknown> },
    );
    expect(failed?.message).toContain(`Pinning app ${appId} to release v999: app ${APP} has no release v999`);
    expect(failed?.id).toBe(failed?.properties?.["buildId"]);
    expect(failed?.properties?.["pinnedRelease"]).toBeUndefined();
  });
});
