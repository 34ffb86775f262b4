/** Pipeline and PipelineCoupling providers against the double. */
import { describe, expect, it } from "vitest";
import { providers } from "../../components/heroku/providers/index";
import type { HerokuDouble } from "../heroku-double/index";
import { checkFailures, createResource, diffResource, readResource, structProblems, updateResource } from "./scenario";
import { useHerokuDouble } from "./use-heroku-double";

let heroku: HerokuDouble;
useHerokuDouble((h) => {
  heroku = h;
});

const pipelinesNamed = (name: string) => [...heroku.state.pipelines.values()].filter((p) => p.name === name);

describe("Pipeline", () => {
  it("creates, reads the same, renames in place, deletes", async () => {
    expect(await checkFailures("pipeline", { name: "Bad Name" })).toHaveLength(1);
    const pipeline = await createResource("pipeline", { name: "shop" });
    expect(structProblems(pipeline.outputs)).toEqual([]);
    expect(pipeline.outputs).toEqual({ pipelineId: pipeline.id, name: "shop" });
    expect(await readResource(pipeline)).toEqual({ id: pipeline.id, props: pipeline.outputs });
    expect(await diffResource(pipeline, { name: "shop-2" })).toMatchObject({ changes: true, replaces: [] });
    expect(await diffResource(pipeline, { name: "shop", owner: { id: "6a1b2c3d-0000-4000-8000-000000000001", type: "team" } })).toMatchObject({
      replaces: ["owner"],
      deleteBeforeReplace: true,
    });
    await updateResource(pipeline, { name: "shop-2" });
    expect(pipeline.outputs["name"]).toBe("shop-2");
    await providers.pipeline.delete?.(pipeline.id, pipeline.outputs);
    expect((await readResource(pipeline)).id).toBe("");
  });

  it("resumes a pipeline whose answer was lost", async () => {
    heroku.faults.inject("commit-then-drop", { method: "POST", path: "/pipelines" });
    await createResource("pipeline", { name: "lost-pipe" });
    expect([...heroku.state.pipelines.values()].filter((p) => p.name === "lost-pipe")).toHaveLength(1);
  });

  it("resumes its own pipeline when the answer was lost and the lookup missed it, so the resend was refused", async () => {
    heroku.faults.inject("commit-then-drop", { method: "POST", path: "/pipelines", times: 1 });
    heroku.faults.inject(404, { method: "GET", path: "/pipelines/:pipeline", times: 1 });
    const pipeline = await createResource("pipeline", { name: "lagging-pipe" });
    expect(heroku.requests.filter((r) => r.method === "POST").map((r) => r.handledStatus)).toEqual([201, 422]);
    expect(pipelinesNamed("lagging-pipe").map((p) => p.id)).toEqual([pipeline.id]);
  });

  it("never takes over a pipeline it did not create when an answer was lost: older, or already holding apps", async () => {
    const older = heroku.seed.pipeline({ name: "their-pipe", createdAt: new Date(Date.now() - 3_600_000).toISOString() });
    heroku.faults.inject(503, { method: "POST", path: "/pipelines", times: 1 });
    await expect(createResource("pipeline", { name: "their-pipe" })).rejects.toThrow(
      /Creating pipeline their-pipe: Heroku API POST \/pipelines answered 422 .*Name has already been taken.*fleet never takes over a pipeline it did not create/s,
    );
    expect(pipelinesNamed("their-pipe").map((p) => p.id)).toEqual([older.id]);

    const busy = heroku.seed.pipeline({ name: "their-busy-pipe" });
    heroku.seed.coupling({ app: heroku.seed.app({ name: "their-busy-app" }).id, pipeline: busy.id, stage: "production" });
    heroku.faults.inject(503, { method: "POST", path: "/pipelines", times: 1 });
    await expect(createResource("pipeline", { name: "their-busy-pipe" })).rejects.toThrow(/Name has already been taken/);
    expect(pipelinesNamed("their-busy-pipe").map((p) => p.id)).toEqual([busy.id]);
  });
});

describe("PipelineCoupling", () => {
  it("couples, reads the same, changes stage in place, replaces for another app, uncouples", async () => {
    const staging = heroku.seed.app({ name: "shop-stg" }).id;
    const production = heroku.seed.app({ name: "shop-prd" }).id;
    const pipeline = await createResource("pipeline", { name: "shop-flow" });
    expect(await checkFailures("pipelineCoupling", { app: staging, pipeline: "shop-flow", stage: "staging" })).toEqual([
      { property: "pipeline", reason: expect.stringMatching(/not a pipeline UUID/) },
    ]);
    const inputs = { app: staging, pipeline: pipeline.id, stage: "staging" };
    const coupling = await createResource("pipelineCoupling", inputs);
    expect(coupling.outputs).toEqual({ couplingId: coupling.id, app: staging, appId: staging, pipeline: pipeline.id, stage: "staging" });
    expect(await readResource(coupling)).toEqual({ id: coupling.id, props: coupling.outputs });
    expect(await diffResource(coupling, { ...inputs, stage: "production" })).toMatchObject({ changes: true, replaces: [] });
    expect(await diffResource(coupling, { ...inputs, app: production })).toMatchObject({ replaces: ["app"], deleteBeforeReplace: true });
    await updateResource(coupling, { ...inputs, stage: "production" });
    expect(heroku.state.couplingOf("shop-stg")?.stage).toBe("production");
    heroku.handEdit.couplingStage("shop-stg", "development");
    expect((await readResource(coupling)).props["stage"]).toBe("development");
    await providers.pipelineCoupling.delete?.(coupling.id, coupling.outputs);
    expect(heroku.state.couplingOf("shop-stg")).toBeUndefined();
    expect((await readResource(coupling)).id).toBe("");
  });

  it("resumes a coupling whose answer was lost", async () => {
    const app = heroku.seed.app({ name: "lost-couple" }).id;
    const pipeline = await createResource("pipeline", { name: "lost-flow" });
    heroku.faults.inject("commit-then-drop", { method: "POST", path: "/pipeline-couplings" });
    await createResource("pipelineCoupling", { app, pipeline: pipeline.id, stage: "staging" });
    expect([...heroku.state.couplings.values()].filter((c) => c.appId === app)).toHaveLength(1);
  });
});
