/** The dashboard: `/` lists the tracked games, `/games/:appId` shows one. Public, read-only. */
import type { FastifyInstance } from "fastify";
import type pg from "pg";
import { z } from "zod";
import { gameDashboard, listGames } from "../data/dashboard-queries.js";
import { MAX_STEAM_APP_ID, STEAM_APP_ID_PATTERN } from "../env.js";
import { HttpProblem } from "../shared/web/errors.js";
import { renderGamePage, renderGamesPage } from "../views/game-pages.js";

const gameParams = z.object({
  appId: z.string().regex(STEAM_APP_ID_PATTERN).transform(Number).pipe(z.number().max(MAX_STEAM_APP_ID)),
});

export async function dashboardRoutes(app: FastifyInstance, options: { readonly pool: pg.Pool }): Promise<void> {
  const { pool } = options;

  app.get("/", async (_request, reply) => {
    const games = await listGames(pool);
    return reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(renderGamesPage(games));
  });

  app.get("/games/:appId", async (request, reply) => {
    const params = gameParams.safeParse(request.params);
    if (!params.success) throw new HttpProblem(400, "bad_app_id", "A game's address is /games/ followed by its Steam app id, such as /games/3228590.");
    const [dashboard, games] = await Promise.all([gameDashboard(pool, params.data.appId), listGames(pool)]);
    if (!dashboard) throw new HttpProblem(404, "game_not_tracked", `No game with Steam app id ${params.data.appId} is tracked here.`);
    return reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(renderGamePage(dashboard, games));
  });
}
