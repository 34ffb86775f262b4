/** The signed-in user's dashboard; anyone else is sent to /login. */
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import { z } from "zod";
import { HttpProblem } from "../errors.js";
import { endSession, sessionUserId } from "../session.js";
import { SpotifyUnauthorized } from "../spotify/http.js";
import { TIME_RANGES, type SpotifyWebApi } from "../spotify/web-api.js";
import { LoginRequired, type TokenService } from "../tokens.js";
import type { UserRepository } from "../users.js";
import { renderDashboard } from "../views/dashboard-page.js";

export interface DashboardRoutesOptions {
  readonly webApi: SpotifyWebApi;
  readonly users: UserRepository;
  readonly tokens: TokenService;
}

const dashboardQuery = z.object({ time_range: z.enum(TIME_RANGES).default("medium_term") });

export async function dashboardRoutes(app: FastifyInstance, options: DashboardRoutesOptions): Promise<void> {
  const { webApi, users, tokens } = options;

  /** Runs `call` with a valid token; if Spotify refuses it anyway, refreshes once and tries again. */
  async function withAccessToken<T>(userId: string, log: FastifyBaseLogger, call: (token: string) => Promise<T>): Promise<T> {
    try {
      return await call(await tokens.accessTokenFor(userId, log));
    } catch (error) {
      if (!(error instanceof SpotifyUnauthorized)) throw error;
      return call(await tokens.accessTokenFor(userId, log, { force: true }));
    }
  }

  app.get("/", async (request, reply) => {
    const userId = sessionUserId(request);
    const user = userId ? await users.findUser(userId) : null;
    if (!user) {
      if (userId) endSession(request);
      return reply.redirect("/login");
    }
    const query = dashboardQuery.safeParse(request.query);
    if (!query.success) throw new HttpProblem(400, "bad_request", `time_range must be one of ${TIME_RANGES.join(", ")}`);
    const timeRange = query.data.time_range;

    try {
      const [topTracks, topArtists, recentlyPlayed, playlists] = await withAccessToken(user.id, request.log, (token) =>
        Promise.all([
          webApi.topTracks(token, timeRange),
          webApi.topArtists(token, timeRange),
          webApi.recentlyPlayed(token),
          webApi.playlists(token),
        ]),
      );
      return reply
        .type("text/html; charset=utf-8")
        .header("cache-control", "no-store")
        .send(renderDashboard({ user, timeRange, topTracks, topArtists, recentlyPlayed, playlists }));
    } catch (error) {
      if (!(error instanceof LoginRequired)) throw error;
      request.log.info({ userId: user.id, reason: error.reason }, "login ended; sending the user to /login");
      endSession(request);
      return reply.redirect("/login");
    }
  });
}
