/** The signed-in user's dashboard; anyone else is sent to /login. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ListeningService } from "../listening.js";
import { endSession, sessionUserId } from "../session.js";
import { HttpProblem } from "../shared/web/errors.js";
import { TIME_RANGES } from "../spotify/web-api.js";
import { timeZoneOf } from "../time-zone.js";
import { LoginRequired } from "../tokens.js";
import type { UserRepository } from "../users.js";
import { renderDashboard } from "../views/dashboard-page.js";

export interface DashboardRoutesOptions {
  readonly listening: ListeningService;
  readonly users: UserRepository;
  readonly nowMs: () => number;
}

const dashboardQuery = z.object({ time_range: z.enum(TIME_RANGES).default("medium_term") });

export async function dashboardRoutes(app: FastifyInstance, options: DashboardRoutesOptions): Promise<void> {
  const { listening, users, nowMs } = options;

  app.get("/", async (request, reply) => {
    const userId = sessionUserId(request);
    const user = userId ? await users.findUser(userId) : null;
    if (!user) {
      if (userId) endSession(request);
      return reply.redirect("/login");
    }
    const query = dashboardQuery.safeParse(request.query);
    if (!query.success) throw new HttpProblem(400, "bad_request", `time_range must be one of ${TIME_RANGES.join(", ")}.`);
    const timeRange = query.data.time_range;

    try {
      const view = await listening.view(user.id, timeRange, request.log);
      const page = renderDashboard({
        user,
        timeRange,
        ...view.value,
        loadedAtMs: view.loadedAtMs,
        nowMs: nowMs(),
        timeZone: timeZoneOf(request),
        csrfToken: reply.generateCsrf(),
      });
      return reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(page);
    } catch (error) {
      if (!(error instanceof LoginRequired)) throw error;
      request.log.info({ userId: user.id, reason: error.reason }, "login ended; sending the user to /login");
      listening.forget(user.id);
      endSession(request, "login_again");
      return reply.redirect("/login");
    }
  });
}
