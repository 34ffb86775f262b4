/**
 * Promotion through a pipeline against the double, and what production's
 * next `pulumi up` does with it: the Build finds the promoted slug was built
 * from the very archive it would upload and records that release instead of
 * building the same code again; new code still builds; a slug carrying
 * build-time values never stands in. A release pin beside promotions: a
 * recorded promoted release is pinned away and released again on unpinning,
 * without a build; a promotion that ends a pin shows on refresh and the next
 * update pins again. Also: the pipeline of an adopted app is adopted as it
 * is, and a coupling to a pipeline that is gone says how to make it again.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { herokuClient } from "../../components/heroku/client";
import { providers } from "../../components/heroku/providers/index";
import { packSource } from "../../components/heroku/source-archive";
import { startHerokuDouble, type HerokuDouble } from "../heroku-double/index";
import { createResource, diffResource, makeAppSource, readResource, updateResource } from "./scenario";
import { useHerokuDouble } from "./use-heroku-double";

let heroku: HerokuDouble;
useHerokuDouble((h) => {
  heroku = h;
});

const promotionSchema = z.object({ id: z.string(), status: z.enum(["pending", "completed"]), source: z.object({ release: z.object({ id: z.string() }) }) });
const targetsSchema = z.array(
  z.object({ app: z.object({ id: z.string() }), status: z.enum(["pending", "succeeded", "failed"]), error_message: z.string().nullable(), release: z.object({ id: z.string() }).nullable() }),
);

/** `heroku pipelines:promote`, as the Platform API does it: create, then poll the promotion and read its targets. */
async function promote(pipelineId: string, source: string, target: string): Promise<z.infer<typeof targetsSchema>[number]> {
  const api = herokuClient();
  const created = await api.request("POST", "/pipeline-promotions", {
    body: { pipeline: { id: pipelineId }, source: { app: { id: source } }, targets: [{ app: { id: target } }] },
    schema: promotionSchema,
  });
  for (let i = 0; i < 50; i++) {
    const promotion = await api.get(`/pipeline-promotions/${created.id}`, promotionSchema);
    if (promotion.status === "completed") break;
  }
  const [result] = await api.get(`/pipeline-promotions/${created.id}/promotion-targets`, targetsSchema);
  return result!;
}

/** Two apps of one product, coupled as staging and production, staging built from `source`. */
async function stagingAndProduction(name: string, source: string): Promise<{ staging: string; production: string; pipeline: string }> {
  const staging = heroku.seed.app({ name: `${name}-stg` }).id;
  const production = heroku.seed.app({ name: `${name}-prd` }).id;
  const pipeline = await createResource("pipeline", { name: `${name}-flow` });
  await createResource("pipelineCoupling", { app: staging, pipeline: pipeline.id, stage: "staging" });
  await createResource("pipelineCoupling", { app: production, pipeline: pipeline.id, stage: "production" });
  await createResource("build", { app: staging, sourceDir: source });
  return { staging, production, pipeline: pipeline.id };
}

describe("after a promotion, production's Build", () => {
  it("records the promoted release built from the same archive instead of building it again", async () => {
    const source = makeAppSource({ marker: "promoted" });
    const sha = (await packSource(source)).sha256;
    const { staging, production, pipeline } = await stagingAndProduction("shop", source);
    const stagingSlug = heroku.state.buildsOf("shop-stg")[0]!.slugId;

    const target = await promote(pipeline, staging, production);
    expect(target).toMatchObject({ status: "succeeded", error_message: null });
    const promoted = heroku.state.currentRelease("shop-prd")!;
    expect(promoted).toMatchObject({ id: target.release!.id, slugId: stagingSlug, status: "succeeded" });
    // The release phase ran on production (migrations against its own database).
    expect(heroku.state.releasesOf("shop-prd").find((r) => r.id === promoted.id)?.runsReleasePhase).toBe(true);

    heroku.clearRequests();
    const build = await createResource("build", { app: production, sourceDir: source, sourceSha256: sha });
    expect(build.outputs).toMatchObject({ reusedRelease: true, buildId: "", releaseId: promoted.id, releaseVersion: promoted.version, slugId: stagingSlug, sourceSha256: sha });
    expect(build.id).toBe(promoted.id);
    expect(heroku.state.buildsOf("shop-prd")).toEqual([]);
    expect(heroku.requests.filter((r) => r.method !== "GET")).toEqual([]);
    expect(heroku.state.currentRelease("shop-prd")?.id).toBe(promoted.id);

    // Refresh sees the release; the next up with the same source changes nothing.
    expect(await readResource(build)).toEqual({ id: promoted.id, props: build.outputs });
    expect((await diffResource(build, { app: production, sourceDir: source, sourceSha256: sha })).changes).toBe(false);
  });

  it("builds new code, and builds again where the slug carries build-time values", async () => {
    const source = makeAppSource({ marker: "web-v1" });
    const { staging, production, pipeline } = await stagingAndProduction("web", source);
    await promote(pipeline, staging, production);

    const withEnv = await createResource("build", { app: production, sourceDir: source, buildEnvSha256: "e".repeat(64) });
    expect(withEnv.outputs["reusedRelease"]).toBeUndefined();
    expect(heroku.state.buildsOf("web-prd")).toHaveLength(1);

    const next = makeAppSource({ marker: "web-v2" });
    const fresh = await createResource("build", { app: production, sourceDir: next });
    expect(fresh.outputs["reusedRelease"]).toBeUndefined();
    expect(heroku.state.buildsOf("web-prd")).toHaveLength(2);
  });

  it("builds when the promoted release failed its release phase (the old release stays current)", async () => {
    const source = makeAppSource({ marker: "failing-migration" });
    const { staging, production, pipeline } = await stagingAndProduction("api", source);
    heroku.control.failNextReleasePhase({ app: "api-prd", message: "migration 007 failed" });
    const target = await promote(pipeline, staging, production);
    expect(target).toMatchObject({ status: "failed", error_message: expect.stringMatching(/release phase/) });
    // A release whose release phase failed is never current: nothing runs the promoted slug, so fleet builds.
    const build = await createResource("build", { app: production, sourceDir: source });
    expect(build.outputs["reusedRelease"]).toBeUndefined();
    expect(heroku.state.buildsOf("api-prd")).toHaveLength(1);
    expect(heroku.state.currentRelease("api-prd")?.id).toBe(build.outputs["releaseId"]);
  });

  it("the double refuses a promotion whose source names a release: the request schema has the app only", async () => {
    // A double of its own: this request is meant to be refused, and the shared one must see none.
    const strict = await startHerokuDouble({ seed: 5 });
    try {
      const app = strict.seed.app({ name: "strict-stg" }).id;
      const pipeline = strict.seed.pipeline({ name: "strict-flow" }).id;
      const answer = await fetch(`${strict.urls.platform}/pipeline-promotions`, {
        method: "POST",
        headers: { Accept: "application/vnd.heroku+json; version=3", Authorization: `Bearer ${strict.token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ pipeline: { id: pipeline }, source: { app: { id: app }, release: { id: "x" } }, targets: [{ app: { id: app } }] }),
      });
      expect(answer.status).toBe(422);
      expect(await answer.json()).toMatchObject({ id: "invalid_params", message: expect.stringContaining("source.release") });
      expect(strict.violations).toHaveLength(1);
    } finally {
      await strict.close();
    }
  });
});

describe("a release pin beside promotions", () => {
  it("pins a recorded promoted release away; unpinning releases the promoted slug again, with no build", async () => {
    const source = makeAppSource({ marker: "pin-promoted" });
    const { staging, production, pipeline } = await stagingAndProduction("pinp", source);
    const earlier = await createResource("build", { app: production, sourceDir: makeAppSource({ marker: "pin-earlier" }) });
    const earlierVersion = Number(earlier.outputs["releaseVersion"]);
    await promote(pipeline, staging, production);
    const promoted = heroku.state.currentRelease("pinp-prd")!;
    const build = await createResource("build", { app: production, sourceDir: source });
    expect(build.outputs).toMatchObject({ reusedRelease: true, releaseId: promoted.id });

    await updateResource(build, { app: production, sourceDir: source, pinnedRelease: earlierVersion });
    const pinned = heroku.state.currentRelease("pinp-prd")!;
    expect(pinned.slugId).toBe(earlier.outputs["slugId"]);
    expect(build.outputs).toMatchObject({ pinnedRelease: earlierVersion, pinReleaseId: pinned.id, pinReleaseVersion: pinned.version, releaseId: promoted.id });

    heroku.clearRequests();
    await updateResource(build, { app: production, sourceDir: source });
    const back = heroku.state.currentRelease("pinp-prd")!;
    // The promoted slug is staging's: production releases it again as the promotion did.
    expect(back).toMatchObject({ slugId: promoted.slugId, description: `Back to the slug of promoted release v${promoted.version}: release pin removed (fleet)` });
    expect(build.outputs).toMatchObject({ reusedRelease: true, releaseId: back.id, releaseVersion: back.version, slugId: promoted.slugId });
    expect(build.outputs["pinnedRelease"]).toBeUndefined();
    expect(build.outputs["pinReleaseId"]).toBeUndefined();
    expect(heroku.requests.filter((r) => r.method === "POST").map((r) => r.path)).toEqual([`/apps/${production}/releases`]);
    expect(heroku.state.buildsOf("pinp-prd")).toHaveLength(1);
    // Refresh still finds the record by the promoted release it was created from.
    expect((await readResource(build)).id).toBe(promoted.id);
  });

  it("a promotion to a pinned app ends the pin: refresh reports it gone and the next update pins again", async () => {
    const { staging, production, pipeline } = await stagingAndProduction("pinq", makeAppSource({ marker: "pinq-new" }));
    const good = await createResource("build", { app: production, sourceDir: makeAppSource({ marker: "pinq-good" }) });
    const goodVersion = Number(good.outputs["releaseVersion"]);
    const sourceDir = makeAppSource({ marker: "pinq-bad" });
    const bad = await createResource("build", { app: production, sourceDir });
    const inputs = { app: production, sourceDir, pinnedRelease: goodVersion };
    await updateResource(bad, inputs);
    // While the pin holds, refresh reports the record unchanged.
    expect(await readResource(bad)).toEqual({ id: bad.id, props: bad.outputs });

    await promote(pipeline, staging, production);
    const promoted = heroku.state.currentRelease("pinq-prd")!;
    expect(promoted.slugId).not.toBe(good.outputs["slugId"]);
    const refreshed = await readResource(bad);
    expect(refreshed.id).toBe(bad.id);
    expect(refreshed.props).toMatchObject({ buildId: bad.outputs["buildId"], slugId: bad.outputs["slugId"] });
    for (const key of ["pinnedRelease", "pinnedSlugId", "pinReleaseId", "pinReleaseVersion"]) expect(refreshed.props[key], key).toBeUndefined();

    bad.outputs = refreshed.props;
    expect(await diffResource(bad, inputs)).toMatchObject({ changes: true, replaces: [] });
    await updateResource(bad, inputs);
    expect(heroku.state.currentRelease("pinq-prd")?.slugId).toBe(good.outputs["slugId"]);
    expect(bad.outputs).toMatchObject({ pinnedRelease: goodVersion, pinnedSlugId: good.outputs["slugId"] });

    // The promoted release itself can be pinned: its slug is staging's, which production already ran.
    await updateResource(bad, { ...inputs, pinnedRelease: promoted.version });
    expect(heroku.state.currentRelease("pinq-prd")?.slugId).toBe(promoted.slugId);
  });
});

describe("the pipeline of an adopted app", () => {
  it("is adopted as it is when the app is already in one: never renamed, never deleted", async () => {
    const app = heroku.seed.app({ name: "legacy-prd" }).id;
    const theirs = heroku.seed.pipeline({ name: "legacy-flow" });
    heroku.seed.coupling({ app: "legacy-prd", pipeline: theirs.id, stage: "production" });

    const pipeline = await createResource("pipeline", { name: "fleet-legacy", adoptFromApp: app });
    expect(pipeline.id).toBe(theirs.id);
    expect(pipeline.outputs).toMatchObject({ pipelineId: theirs.id, name: "legacy-flow", adopted: true });
    expect(await diffResource(pipeline, { name: "fleet-legacy", adoptFromApp: app })).toMatchObject({ changes: false });
    expect((await readResource(pipeline)).props).toMatchObject({ name: "legacy-flow", adopted: true });

    const coupling = await createResource("pipelineCoupling", { app, pipeline: pipeline.id, stage: "production" });
    expect(coupling.outputs).toMatchObject({ pipeline: theirs.id, stage: "production" });
    expect([...heroku.state.couplings.values()].filter((c) => c.appId === app)).toHaveLength(1);

    await providers.pipeline.delete?.(pipeline.id, pipeline.outputs);
    expect(heroku.state.pipelines.get(theirs.id)?.name).toBe("legacy-flow");
  });

  it("is fleet's own when the adopted app is in no pipeline", async () => {
    const app = heroku.seed.app({ name: "loner-prd" }).id;
    const pipeline = await createResource("pipeline", { name: "fleet-loner", adoptFromApp: app });
    expect(pipeline.outputs).toEqual({ pipelineId: pipeline.id, name: "fleet-loner" });
    await providers.pipeline.delete?.(pipeline.id, pipeline.outputs);
    expect(heroku.state.pipelines.has(pipeline.id)).toBe(false);
  });
});

describe("a pipeline that is gone", () => {
  it("drops its couplings on refresh, and a new coupling says to run up on the stack that owns it", async () => {
    const staging = heroku.seed.app({ name: "gone-stg" }).id;
    const pipeline = await createResource("pipeline", { name: "gone-flow" });
    const coupling = await createResource("pipelineCoupling", { app: staging, pipeline: pipeline.id, stage: "staging" });
    await providers.pipeline.delete?.(pipeline.id, pipeline.outputs);

    expect((await readResource(coupling)).id).toBe("");
    await expect(createResource("pipelineCoupling", { app: staging, pipeline: pipeline.id, stage: "staging" })).rejects.toThrow(
      /pipeline .* does not exist \(any more\).*pulumi up --refresh` on that stack/,
    );
    expect(heroku.state.couplingOf("gone-stg")).toBeUndefined();
  });
});
