/**
 * The way in and out: the login page, the start of Spotify's authorization
 * code flow, its callback, and logging out (a POST with a CSRF token; GET
 * /logout only asks).
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ListeningService } from "../listening.js";
import { endSession, loginNotice, sessionUserId, startSession } from "../session.js";
import { HttpProblem } from "../shared/web/errors.js";
import { AuthorizationCodeRejected, type SpotifyAccounts } from "../spotify/accounts.js";
import type { SpotifyWebApi } from "../spotify/web-api.js";
import type { TokenService } from "../tokens.js";
import type { UserRepository } from "../users.js";
import { renderLoginPage } from "../views/login-page.js";
import { renderLogoutPage } from "../views/logout-page.js";

export interface AuthRoutesOptions {
  readonly accounts: SpotifyAccounts;
  readonly webApi: SpotifyWebApi;
  readonly users: UserRepository;
  readonly tokens: TokenService;
  readonly listening: ListeningService;
}

const startQuery = z.object({
  /** `1`: the user wants to pick another Spotify account, so Spotify must ask. */
  switch: z.literal("1").optional(),
});

const callbackQuery = z.object({
  code: z.string().min(1).max(4096).optional(),
  state: z.string().min(1).max(512).optional(),
  error: z.string().min(1).max(200).optional(),
});

function sameState(received: string | undefined, expected: string | undefined): boolean {
  if (!received || !expected) return false;
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function badQuery(error: z.ZodError): HttpProblem {
  const names = [...new Set(error.issues.map((issue) => String(issue.path[0])))].join(", ");
  return new HttpProblem(400, "bad_request", `Invalid query parameter(s): ${names}.`);
}

const HTML = "text/html; charset=utf-8";

export async function authRoutes(app: FastifyInstance, options: AuthRoutesOptions): Promise<void> {
  const { accounts, webApi, users, tokens, listening } = options;

  app.get("/login", async (request, reply) => {
    if (sessionUserId(request)) return reply.redirect("/");
    return reply.type(HTML).header("cache-control", "no-store").send(renderLoginPage(loginNotice(request)));
  });

  app.get("/login/spotify", async (request, reply) => {
    const query = startQuery.safeParse(request.query);
    if (!query.success) throw badQuery(query.error);
    // Without show_dialog Spotify sends a user who approved the app before straight back, logged in:
    // right after a logout, or when switching accounts, that is not what the person asked for.
    const showDialog = query.data.switch === "1" || loginNotice(request) === "signed_out";
    const state = randomBytes(24).toString("base64url");
    request.session.set("oauthState", state);
    return reply.redirect(accounts.authorizeUrl(state, { showDialog }));
  });

  app.get("/callback", async (request, reply) => {
    const query = callbackQuery.safeParse(request.query);
    if (!query.success) throw badQuery(query.error);
    const expectedState = request.session.get("oauthState");
    // The state is good for one callback only.
    request.session.set("oauthState", undefined);
    if (!sameState(query.data.state, expectedState)) {
      throw new HttpProblem(400, "invalid_state", "This login did not start in this browser, or it was already used. Please log in again.");
    }
    if (query.data.error) {
      const message = query.data.error === "access_denied" ? "You did not allow Euterpe to read your Spotify account, so you are not logged in." : `Spotify did not log you in (${query.data.error}).`;
      throw new HttpProblem(400, "authorization_denied", message);
    }
    if (!query.data.code) throw new HttpProblem(400, "missing_code", "Spotify sent no authorization code. Please log in again.");

    const grant = await accounts.exchangeCode(query.data.code).catch((error: unknown) => {
      if (error instanceof AuthorizationCodeRejected) {
        throw new HttpProblem(400, "invalid_code", "This login has expired or was already used. Please log in again.");
      }
      throw error;
    });
    const profile = await webApi.me(grant.accessToken);
    const user = await users.upsertUser({
      spotifyUserId: profile.id,
      displayName: profile.display_name || profile.id,
      email: profile.email ?? null,
    });
    await users.saveTokens(user.id, tokens.tokensFromGrant(grant));
    // A new grant may bring other data (another account, fresh scopes): nothing cached is reused.
    listening.forget(user.id);
    startSession(request, user.id);
    request.log.info({ userId: user.id, spotifyUserId: user.spotifyUserId }, "user logged in");
    return reply.redirect("/");
  });

  app.get("/logout", async (request, reply) => {
    const userId = sessionUserId(request);
    const user = userId ? await users.findUser(userId) : null;
    if (!user) return reply.redirect("/login");
    return reply.type(HTML).header("cache-control", "no-store").send(renderLogoutPage(user.displayName, reply.generateCsrf()));
  });

  app.post(
    "/logout",
    {
      // Only a login has something to protect; without one there is nothing to log out of.
      preHandler: (request, reply, done) => (sessionUserId(request) ? app.csrfProtection(request, reply, done) : done()),
    },
    async (request, reply) => {
      const userId = sessionUserId(request);
      if (userId) {
        listening.forget(userId);
        request.log.info({ userId }, "user logged out");
      }
      endSession(request, "signed_out");
      return reply.redirect("/login", 303);
    },
  );
}
