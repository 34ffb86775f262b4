/**
 * Pipeline promotions: the source app's current slug becomes a new release
 * on each target app (no build; config vars and add-ons stay the target's),
 * which runs the release phase there. A target is `pending` while its
 * release is, then `succeeded` or `failed`; the promotion is `completed`
 * once no target is pending. Source and targets must be coupled to the
 * pipeline; a target on another stack than the slug's fails.
 */
import { invalidParams, notFound } from "../errors";
import { isObject, objectBody } from "../http/body";
import { json, type Router } from "../http/router";
import type { World } from "../state";
import { createRelease } from "./releases";

export interface PromotionTargetRecord {
  readonly id: string;
  readonly appId: string;
  readonly releaseId: string | null;
  /** Set when the target failed before a release was made. */
  readonly errorMessage: string | null;
}

export interface PromotionRecord {
  readonly id: string;
  readonly pipelineId: string;
  readonly sourceAppId: string;
  readonly sourceReleaseId: string;
  readonly targets: readonly PromotionTargetRecord[];
  readonly createdAt: string;
}

/** `{app: {id}}` → the id. */
function appIdOf(value: unknown, field: string): string {
  const app = isObject(value) ? value["app"] : undefined;
  const id = isObject(app) ? app["id"] : undefined;
  if (typeof id !== "string" || id === "") throw invalidParams(`Missing required params: ${field}.app.id.`);
  return id;
}

export function createPromotion(world: World, pipelineId: string, sourceAppId: string, targetAppIds: readonly string[]): PromotionRecord {
  const pipeline = world.pipelines.get(pipelineId);
  if (!pipeline) throw notFound("Couldn't find that pipeline.");
  const coupled = (appId: string) => [...world.couplings.values()].some((c) => c.appId === appId && c.pipelineId === pipeline.id);
  const source = world.app(sourceAppId);
  if (!coupled(source.id)) throw invalidParams(`${source.name} is not coupled to pipeline ${pipeline.name}.`);
  if (targetAppIds.length === 0) throw invalidParams("At least one target is required.");
  const release = world.currentRelease(source.id);
  const slug = release?.slugId ? world.slugs.get(release.slugId) : undefined;
  if (!release || !slug) throw invalidParams(`${source.name} has no release with a slug to promote.`);
  const targets = targetAppIds.map((id): PromotionTargetRecord => {
    const target = world.app(id);
    if (!coupled(target.id)) throw invalidParams(`${target.name} is not coupled to pipeline ${pipeline.name}.`);
    if (target.stack !== slug.stack) {
      return { id: world.uuid(), appId: target.id, releaseId: null, errorMessage: `The slug is built for ${slug.stack}, but ${target.name} runs ${target.stack}.` };
    }
    const description = `Promote ${source.name} v${release.version}${slug.commit ? ` ${slug.commit.slice(0, 7)}` : ""}`;
    return { id: world.uuid(), appId: target.id, releaseId: createRelease(world, target, { description, slugId: slug.id }).id, errorMessage: null };
  });
  const promotion: PromotionRecord = { id: world.uuid(), pipelineId: pipeline.id, sourceAppId: source.id, sourceReleaseId: release.id, targets, createdAt: world.now() };
  world.promotions.set(promotion.id, promotion);
  return promotion;
}

function targetStatus(world: World, target: PromotionTargetRecord): { status: "pending" | "succeeded" | "failed"; error: string | null } {
  if (target.errorMessage !== null) return { status: "failed", error: target.errorMessage };
  const release = target.releaseId ? world.releases.get(target.releaseId) : undefined;
  if (!release || release.status === "pending") return { status: "pending", error: null };
  if (release.status === "succeeded") return { status: "succeeded", error: null };
  return { status: "failed", error: `Release v${release.version} failed in the release phase.` };
}

export function renderPromotion(world: World, promotion: PromotionRecord): Record<string, unknown> {
  const pending = promotion.targets.some((t) => targetStatus(world, t).status === "pending");
  return {
    created_at: promotion.createdAt,
    id: promotion.id,
    pipeline: { id: promotion.pipelineId },
    source: { app: { id: promotion.sourceAppId }, release: { id: promotion.sourceReleaseId } },
    status: pending ? "pending" : "completed",
    updated_at: world.now(),
  };
}

function renderTarget(world: World, promotion: PromotionRecord, target: PromotionTargetRecord): Record<string, unknown> {
  const { status, error } = targetStatus(world, target);
  return {
    app: { id: target.appId },
    error_message: error,
    id: target.id,
    pipeline_promotion: { id: promotion.id },
    release: target.releaseId ? { id: target.releaseId } : null,
    status,
  };
}

function findPromotion(world: World, id: string): PromotionRecord {
  const promotion = world.promotions.get(id);
  if (!promotion) throw notFound("Couldn't find that pipeline promotion.");
  return promotion;
}

export function promotionRoutes(router: Router): void {
  router
    .post("/pipeline-promotions", (ctx) => {
      const body = objectBody(ctx);
      const pipeline = body["pipeline"];
      const pipelineId = isObject(pipeline) ? pipeline["id"] : undefined;
      if (typeof pipelineId !== "string") throw invalidParams("Missing required params: pipeline.id.");
      const targets = body["targets"];
      if (!Array.isArray(targets)) throw invalidParams("Missing required params: targets.");
      const promotion = createPromotion(ctx.world, pipelineId, appIdOf(body["source"], "source"), targets.map((t, i) => appIdOf(t, `targets[${i}]`)));
      return json(201, renderPromotion(ctx.world, promotion));
    })
    .get("/pipeline-promotions/:promotion", (ctx) => json(200, renderPromotion(ctx.world, findPromotion(ctx.world, ctx.params["promotion"] ?? ""))))
    .get("/pipeline-promotions/:promotion/promotion-targets", (ctx) => {
      const promotion = findPromotion(ctx.world, ctx.params["promotion"] ?? "");
      return json(200, promotion.targets.map((t) => renderTarget(ctx.world, promotion, t)));
    });
}
