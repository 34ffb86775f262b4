/**
 * /admin, behind Cloudflare Access (the app checks the Access JWT itself):
 * the tracked games and their backfill, and forms that add a game by its
 * Steam app id (named by Steam's store), deactivate and reactivate one. Every
 * POST carries a CSRF token checked against the signed cookie (see csrf.ts).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import type pg from "pg";
import { z } from "zod";
import { TrackedApps } from "../data/tracked-apps.js";
import { MAX_STEAM_APP_ID, STEAM_APP_ID_PATTERN } from "../env.js";
import type { AccessGuard } from "../shared/web/access.js";
import { HttpProblem } from "../shared/web/errors.js";
import type { SteamStoreApi } from "../steam/store-api.js";
import { NOTICES, renderAdminPage, type Notice } from "../views/admin-page.js";

export interface AdminRoutesOptions {
  readonly pool: pg.Pool;
  readonly store: SteamStoreApi;
  readonly guard: AccessGuard;
  /** With Access off (APP_ENV=development), who the actions are recorded as. */
  readonly fallbackIdentity: string;
  readonly herokuApp: string | undefined;
}

const appId = z.string().trim().regex(STEAM_APP_ID_PATTERN).transform(Number).pipe(z.number().max(MAX_STEAM_APP_ID));
const BAD_APP_ID = "A Steam app id is the number in the game's store address (store.steampowered.com/app/3228590/…): 3228590.";

const addForm = z.object({ app_id: appId });
const appParams = z.object({ appId });
const pageQuery = z.object({ notice: z.enum(Object.keys(NOTICES) as [Notice, ...Notice[]]).optional(), app: appId.optional() });

export async function adminRoutes(app: FastifyInstance, options: AdminRoutesOptions): Promise<void> {
  const apps = new TrackedApps(options.pool);
  const identity = (request: FastifyRequest) => request.accessIdentity?.email ?? request.accessIdentity?.subject ?? options.fallbackIdentity;
  const done = (notice: Notice, id: number) => `/admin?notice=${notice}&app=${id}`;

  app.addHook("preHandler", options.guard);

  app.get("/admin", async (request, reply) => {
    const query = pageQuery.safeParse(request.query);
    const list = await apps.list();
    const noticeData = query.success && query.data.notice && query.data.app !== undefined ? { kind: query.data.notice, appId: query.data.app } : undefined;
    const html = renderAdminPage({
      apps: list,
      csrfToken: reply.generateCsrf(),
      signedInAs: request.accessIdentity?.email,
      notice: noticeData && { ...noticeData, name: list.find((entry) => entry.appId === noticeData.appId)?.name },
      herokuApp: options.herokuApp,
    });
    return reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(html);
  });

  app.get("/admin/", async (_request, reply) => reply.redirect("/admin", 301));

  app.post("/admin/apps", { preHandler: app.csrfProtection }, async (request, reply) => {
    const form = addForm.safeParse(request.body);
    if (!form.success) throw new HttpProblem(400, "bad_app_id", BAD_APP_ID);
    const id = form.data.app_id;
    const existing = await apps.get(id);
    if (existing) return reply.redirect(done("exists", id), 303);
    const lookup = await options.store.lookUp(id);
    if (!lookup.found) throw new HttpProblem(422, "unknown_app", `Steam's store has no app with id ${id}. Check the number in the game's store address.`);
    const outcome = await apps.add({ appId: id, name: lookup.name, nameSource: "steam", addedBy: identity(request) });
    request.log.info({ appId: id, name: lookup.name, by: identity(request), outcome }, "admin: game added");
    return reply.redirect(done(outcome === "added" ? "added" : "exists", id), 303);
  });

  app.post("/admin/apps/:appId/deactivate", { preHandler: app.csrfProtection }, async (request, reply) => {
    const params = appParams.safeParse(request.params);
    if (!params.success) throw new HttpProblem(400, "bad_app_id", BAD_APP_ID);
    if (!(await apps.deactivate(params.data.appId, identity(request)))) throw new HttpProblem(404, "game_not_tracked", `No game with Steam app id ${params.data.appId} is tracked.`);
    request.log.info({ appId: params.data.appId, by: identity(request) }, "admin: game deactivated");
    return reply.redirect(done("deactivated", params.data.appId), 303);
  });

  app.post("/admin/apps/:appId/reactivate", { preHandler: app.csrfProtection }, async (request, reply) => {
    const params = appParams.safeParse(request.params);
    if (!params.success) throw new HttpProblem(400, "bad_app_id", BAD_APP_ID);
    if (!(await apps.reactivate(params.data.appId))) throw new HttpProblem(404, "game_not_tracked", `No game with Steam app id ${params.data.appId} is tracked.`);
    request.log.info({ appId: params.data.appId, by: identity(request) }, "admin: game reactivated");
    return reply.redirect(done("reactivated", params.data.appId), 303);
  });
}
