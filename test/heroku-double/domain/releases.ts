/**
 * Releases: created by config changes, add-on changes and builds; a release
 * whose slug declares a `release` process runs the release phase (`pending`
 * → `succeeded`|`failed`). The current release is the newest that succeeded.
 */
import { invalidParams, notFound } from "../errors";
import { objectBody, optionalString } from "../http/body";
import { paginate } from "../http/range";
import { json, type Router } from "../http/router";
import type { AppRecord, ReleaseRecord, World } from "../state";
import { syncFormation } from "./formation";
import { appRef, userRef } from "./shared";

export interface ReleaseInput {
  readonly description: string;
  /** The slug this release runs; defaults to the current one. */
  readonly slugId?: string | null;
  /** Whether a `release` process (if declared) runs; add-on var changes skip it. @default true */
  readonly releasePhase?: boolean;
  readonly addonPlanNames?: readonly string[];
}

export function createRelease(world: World, app: AppRecord, input: ReleaseInput): ReleaseRecord {
  const slugId = input.slugId ?? world.currentSlug(app.id)?.id ?? null;
  const slug = slugId ? world.slugs.get(slugId) : undefined;
  const runsReleasePhase = (input.releasePhase ?? true) && slug !== undefined && "release" in slug.processTypes;
  const now = world.now();
  const release: ReleaseRecord = {
    id: world.uuid(),
    appId: app.id,
    version: app.nextReleaseVersion++,
    status: runsReleasePhase ? "pending" : "succeeded",
    description: input.description,
    slugId,
    addonPlanNames: [...(input.addonPlanNames ?? addonPlanNames(world, app))],
    runsReleasePhase,
    userConfigSnapshot: Object.fromEntries(app.userConfig),
    output: [],
    createdAt: now,
    updatedAt: now,
  };
  world.releases.set(release.id, release);
  if (!runsReleasePhase) {
    releaseSucceeded(world, app, release);
    return release;
  }
  const command = slug?.processTypes["release"] ?? "";
  release.output.push(`Running release command...`, `$ ${command}`);
  const failure = world.takePlannedFailure(world.planned.releasePhaseFailures, app);
  world.schedule(world.timing.releasePhase, release.id, `release phase v${release.version} of ${app.name}`, () => {
    if (!world.releases.has(release.id)) return;
    release.updatedAt = world.now();
    if (failure) {
      release.status = "failed";
      release.output.push(failure.message ?? "Error: release command exited with status 1", "Release command failed");
      return;
    }
    release.output.push("Release command finished");
    releaseSucceeded(world, app, release);
  });
  return release;
}

function releaseSucceeded(world: World, app: AppRecord, release: ReleaseRecord): void {
  release.status = "succeeded";
  release.updatedAt = world.now();
  app.releasedAt = release.updatedAt;
  const slug = release.slugId ? world.slugs.get(release.slugId) : undefined;
  if (slug && world.currentRelease(app.id)?.id === release.id) syncFormation(world, app, slug);
}

function addonPlanNames(world: World, app: AppRecord): string[] {
  return [...world.addons.values()].filter((a) => a.appId === app.id).map((a) => `${a.service}:${a.plan}`);
}

export function renderRelease(world: World, release: ReleaseRecord): Record<string, unknown> {
  const app = world.apps.get(release.appId);
  return {
    addon_plan_names: release.addonPlanNames,
    app: app ? appRef(app) : { id: release.appId, name: null },
    created_at: release.createdAt,
    current: world.currentRelease(release.appId)?.id === release.id,
    description: release.description,
    id: release.id,
    output_stream_url: release.runsReleasePhase ? `${world.urls.blob}/streams/releases/${release.id}` : null,
    slug: release.slugId ? { id: release.slugId } : null,
    status: release.status,
    updated_at: release.updatedAt,
    user: userRef(world),
    version: release.version,
  };
}

export function findRelease(world: World, app: AppRecord, idOrVersion: string): ReleaseRecord {
  const release = world
    .appReleases(app.id)
    .find((r) => r.id === idOrVersion || (/^\d+$/.test(idOrVersion) && r.version === Number(idOrVersion)));
  if (!release) throw notFound("Couldn't find that release.");
  return release;
}

export function releaseRoutes(router: Router): void {
  router
    .get("/apps/:app/releases", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      return paginate(ctx, ctx.world.settings, ctx.world.appReleases(app.id), { id: (r) => r.id, version: (r) => r.version }, (r) =>
        renderRelease(ctx.world, r),
      );
    })
    .get("/apps/:app/releases/:release", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      return json(200, renderRelease(ctx.world, findRelease(ctx.world, app, ctx.params["release"] ?? "")));
    })
    .get("/apps/:app/releases/:release/config-vars", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      return json(200, findRelease(ctx.world, app, ctx.params["release"] ?? "").userConfigSnapshot);
    })
    .post("/apps/:app/releases", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const body = objectBody(ctx);
      const rollbackTo = optionalString(body, "release");
      if (rollbackTo !== undefined) {
        const target = findRelease(ctx.world, app, rollbackTo);
        app.userConfig.clear();
        for (const [k, v] of Object.entries(target.userConfigSnapshot)) app.userConfig.set(k, v);
        const release = createRelease(ctx.world, app, { description: `Rollback to v${target.version}`, slugId: target.slugId });
        return json(201, renderRelease(ctx.world, release));
      }
      const slugId = optionalString(body, "slug");
      if (slugId === undefined) throw invalidParams("Missing required params: slug.");
      // Only a slug the app sees: its own, or one promoted to it (real Heroku takes any slug the token sees).
      const slug = ctx.world.slugSeenBy(app.id, slugId);
      if (!slug) throw notFound("Couldn't find that slug.");
      const description = optionalString(body, "description") ?? `Deploy ${slug.commit ?? slug.id.slice(0, 8)}`;
      return json(201, renderRelease(ctx.world, createRelease(ctx.world, app, { description, slugId })));
    });
}
