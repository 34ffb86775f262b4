/** Pipelines (name rule, delete by UUID only) and couplings (one pipeline per app). */
import { invalidParams, notFound } from "../errors";
import { isObject, objectBody, optionalString, requiredString } from "../http/body";
import { paginate } from "../http/range";
import { json, type Router } from "../http/router";
import { isUuid, type CouplingRecord, type PipelineRecord, type PipelineStage, type World } from "../state";

export const PIPELINE_NAME_RE = /^[a-z][a-z0-9-]{2,29}$/;
const STAGES: readonly PipelineStage[] = ["test", "review", "development", "staging", "production"];

function validatePipelineName(world: World, name: string, exceptId?: string): void {
  if (!PIPELINE_NAME_RE.test(name)) {
    throw invalidParams("Name must start with a letter and contain only lowercase letters, digits and dashes (3 to 30 characters).");
  }
  for (const p of world.pipelines.values()) if (p.name === name && p.id !== exceptId) throw invalidParams("Name has already been taken.");
}

function readStage(value: string): PipelineStage {
  const stage = STAGES.find((s) => s === value);
  if (!stage) throw invalidParams(`Stage must be one of ${STAGES.join(", ")}.`);
  return stage;
}

export function createPipeline(world: World, name: string, owner: PipelineRecord["owner"]): PipelineRecord {
  validatePipelineName(world, name);
  const now = world.now();
  const pipeline: PipelineRecord = { id: world.uuid(), name, owner, createdAt: now, updatedAt: now };
  world.pipelines.set(pipeline.id, pipeline);
  return pipeline;
}

export function createCoupling(world: World, appIdOrName: string, pipelineId: string, stage: string): CouplingRecord {
  const app = world.app(appIdOrName);
  const pipeline = world.pipelines.get(pipelineId);
  if (!pipeline) throw notFound("Couldn't find that pipeline.");
  const checkedStage = readStage(stage);
  if ([...world.couplings.values()].some((c) => c.appId === app.id)) {
    throw invalidParams(`${app.name} is already coupled to a pipeline; an app can belong to only one pipeline.`);
  }
  const now = world.now();
  const coupling: CouplingRecord = { id: world.uuid(), appId: app.id, pipelineId: pipeline.id, stage: checkedStage, createdAt: now, updatedAt: now };
  world.couplings.set(coupling.id, coupling);
  return coupling;
}

export function renderPipeline(pipeline: PipelineRecord): Record<string, unknown> {
  return { created_at: pipeline.createdAt, id: pipeline.id, name: pipeline.name, owner: pipeline.owner, updated_at: pipeline.updatedAt };
}

export function renderCoupling(coupling: CouplingRecord): Record<string, unknown> {
  return {
    app: { id: coupling.appId },
    created_at: coupling.createdAt,
    id: coupling.id,
    pipeline: { id: coupling.pipelineId },
    stage: coupling.stage,
    updated_at: coupling.updatedAt,
  };
}

function findPipeline(world: World, idOrName: string): PipelineRecord {
  const pipeline = world.pipelines.get(idOrName) ?? [...world.pipelines.values()].find((p) => p.name === idOrName);
  if (!pipeline) throw notFound("Couldn't find that pipeline.");
  return pipeline;
}

function pipelineById(world: World, id: string): PipelineRecord {
  const pipeline = isUuid(id) ? world.pipelines.get(id) : undefined;
  if (!pipeline) throw notFound("Couldn't find that pipeline.");
  return pipeline;
}

function findCoupling(world: World, id: string): CouplingRecord {
  const coupling = world.couplings.get(id);
  if (!coupling) throw notFound("Couldn't find that pipeline coupling.");
  return coupling;
}

const COUPLING_KEYS = { id: (c: CouplingRecord) => c.id };

export function pipelineRoutes(router: Router): void {
  router
    .post("/pipelines", (ctx) => {
      const body = objectBody(ctx);
      const owner = body["owner"];
      let parsedOwner: PipelineRecord["owner"] = null;
      if (owner !== undefined && owner !== null) {
        if (!isObject(owner) || typeof owner["id"] !== "string" || (owner["type"] !== "team" && owner["type"] !== "user")) {
          throw invalidParams("Invalid owner provided: expected {id, type: team|user}.");
        }
        parsedOwner = { id: owner["id"], type: owner["type"] };
      }
      return json(201, renderPipeline(createPipeline(ctx.world, requiredString(body, "name"), parsedOwner)));
    })
    .get("/pipelines", (ctx) =>
      paginate(ctx, ctx.world.settings, [...ctx.world.pipelines.values()], { id: (p) => p.id, name: (p) => p.name }, renderPipeline),
    )
    .get("/pipelines/:pipeline", (ctx) => json(200, renderPipeline(findPipeline(ctx.world, ctx.params["pipeline"] ?? ""))))
    .patch("/pipelines/:pipeline", (ctx) => {
      const pipeline = pipelineById(ctx.world, ctx.params["pipeline"] ?? "");
      const name = optionalString(objectBody(ctx), "name");
      if (name !== undefined) {
        validatePipelineName(ctx.world, name, pipeline.id);
        pipeline.name = name;
        pipeline.updatedAt = ctx.world.now();
      }
      return json(200, renderPipeline(pipeline));
    })
    .delete("/pipelines/:pipeline", (ctx) => {
      const pipeline = pipelineById(ctx.world, ctx.params["pipeline"] ?? "");
      for (const [id, c] of ctx.world.couplings) if (c.pipelineId === pipeline.id) ctx.world.couplings.delete(id);
      ctx.world.pipelines.delete(pipeline.id);
      return json(200, renderPipeline(pipeline));
    })
    .get("/pipelines/:pipeline/pipeline-couplings", (ctx) => {
      const pipeline = pipelineById(ctx.world, ctx.params["pipeline"] ?? "");
      const couplings = [...ctx.world.couplings.values()].filter((c) => c.pipelineId === pipeline.id);
      return paginate(ctx, ctx.world.settings, couplings, COUPLING_KEYS, (c) => renderCoupling(c));
    })
    .post("/pipeline-couplings", (ctx) => {
      const body = objectBody(ctx);
      const coupling = createCoupling(ctx.world, requiredString(body, "app"), requiredString(body, "pipeline"), requiredString(body, "stage"));
      return json(201, renderCoupling(coupling));
    })
    .get("/pipeline-couplings", (ctx) =>
      paginate(ctx, ctx.world.settings, [...ctx.world.couplings.values()], COUPLING_KEYS, (c) => renderCoupling(c)),
    )
    .get("/pipeline-couplings/:coupling", (ctx) => json(200, renderCoupling(findCoupling(ctx.world, ctx.params["coupling"] ?? ""))))
    .patch("/pipeline-couplings/:coupling", (ctx) => {
      const coupling = findCoupling(ctx.world, ctx.params["coupling"] ?? "");
      const stage = optionalString(objectBody(ctx), "stage");
      if (stage !== undefined) {
        coupling.stage = readStage(stage);
        coupling.updatedAt = ctx.world.now();
      }
      return json(200, renderCoupling(coupling));
    })
    .delete("/pipeline-couplings/:coupling", (ctx) => {
      const coupling = findCoupling(ctx.world, ctx.params["coupling"] ?? "");
      ctx.world.couplings.delete(coupling.id);
      return json(200, renderCoupling(coupling));
    })
    .get("/apps/:app/pipeline-couplings", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const coupling = [...ctx.world.couplings.values()].find((c) => c.appId === app.id);
      if (!coupling) throw notFound("Couldn't find that pipeline coupling.");
      return json(200, renderCoupling(coupling));
    });
}
