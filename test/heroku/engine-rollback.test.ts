/**
 * Rollback through the engine: the Build's stub run in the SDK's
 * dynamic-provider host over gRPC. A pin is an update in place (no rebuild),
 * the plan shows it as one, and removing it is one too; removing it once the
 * source has moved on replaces the Build, which builds and releases that source.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packSource } from "../../components/heroku/source-archive";
import { loadStub, startEngineHarness, type EngineHarness, type SerializedProvider } from "../engine";
import { startHerokuDouble, type HerokuDouble } from "../heroku-double";
import { nodeApp } from "../heroku-double/source";

let heroku: HerokuDouble;
let engine: EngineHarness;
let stub: SerializedProvider;
const dirs: string[] = [];

async function source(marker: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "fleet-engine-pin-"));
  dirs.push(dir);
  for (const [path, content] of Object.entries(nodeApp("web: node server.js\nrelease: node migrate.js\n"))) await writeFile(join(dir, path), content);
  await writeFile(join(dir, "marker.txt"), marker);
  return dir;
}

beforeAll(async () => {
  heroku = await startHerokuDouble({ seed: 41 });
  stub = await loadStub("build");
  engine = await startEngineHarness({
    env: { ...heroku.env, FLEET_HEROKU_POLL_MS: "2", FLEET_HEROKU_RETRY_BASE_MS: "5", FLEET_HEROKU_WAIT_SCALE: "0.01", FLEET_HEROKU_LOG: "info" },
  });
});

afterAll(async () => {
  expect(heroku.violations).toEqual([]);
  expect(heroku.internalErrors).toEqual([]);
  await engine?.close();
  await heroku?.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("a pinned Build through the engine", () => {
  it("pins and unpins in place, releasing the earlier slug and then the build's own, never rebuilding", async () => {
    const appId = heroku.seed.app({ name: "engine-pin" }).id;
    const build = engine.resource(stub, "build", { type: "pulumi-nodejs:dynamic/heroku:Build" });
    const goodDir = await source("good");
    await build.up({ app: appId, sourceDir: goodDir, sourceSha256: (await packSource(goodDir)).sha256 });
    const good = { slug: String(build.outputs["slugId"]), version: Number(build.outputs["releaseVersion"]) };
    const badDir = await source("bad");
    const bad = { app: appId, sourceDir: badDir, sourceSha256: (await packSource(badDir)).sha256 };
    expect((await build.up(bad)).op).toBe("replace");
    const badSlug = String(build.outputs["slugId"]);

    expect((await build.preview({ ...bad, pinnedRelease: good.version })).op).toBe("update");
    const pin = await build.up({ ...bad, pinnedRelease: good.version });
    expect(pin).toMatchObject({ op: "update", calls: ["Check", "Diff", "Update"] });
    expect(heroku.state.currentRelease("engine-pin")?.slugId).toBe(good.slug);
    expect(build.outputs).toMatchObject({ pinnedRelease: good.version, pinnedSlugId: good.slug });
    expect((await build.up({ ...bad, pinnedRelease: good.version })).op).toBe("same");

    expect((await build.up(bad)).op).toBe("update");
    expect(heroku.state.currentRelease("engine-pin")?.slugId).toBe(badSlug);
    expect(heroku.state.buildsOf("engine-pin")).toHaveLength(2);
  });

  it("removing a pin after the source moved on builds and releases the current source", async () => {
    const appId = heroku.seed.app({ name: "engine-unpin" }).id;
    const build = engine.resource(stub, "build", { type: "pulumi-nodejs:dynamic/heroku:Build" });
    const at = async (name: string) => {
      const dir = await source(name);
      return { app: appId, sourceDir: dir, sourceSha256: (await packSource(dir)).sha256 };
    };
    await build.up(await at("good"));
    const good = { slug: String(build.outputs["slugId"]), version: Number(build.outputs["releaseVersion"]) };
    const bad = await at("bad");
    await build.up(bad);
    await build.up({ ...bad, pinnedRelease: good.version });
    expect(heroku.state.currentRelease("engine-unpin")?.slugId).toBe(good.slug);

    // The fix landed while pinned; the pin is removed in the same update.
    const fixed = await at("fixed");
    expect((await build.up(fixed)).op).toBe("replace");
    const fixedSlug = String(build.outputs["slugId"]);
    expect(fixedSlug).not.toBe(good.slug);
    expect(heroku.state.currentRelease("engine-unpin")?.slugId).toBe(fixedSlug);
    expect(build.outputs["pinnedRelease"]).toBeUndefined();
    expect(heroku.state.buildsOf("engine-unpin")).toHaveLength(3);
  });
});
