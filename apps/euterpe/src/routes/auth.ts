/** Login with Spotify (authorization code flow), the callback, and logout. */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { HttpProblem } from "../errors.js";
import { endSession } from "../session.js";
import { AuthorizationCodeRejected, type SpotifyAccounts } from "../spotify/accounts.js";
import type { SpotifyWebApi } from "../spotify/web-api.js";
import type { TokenService } from "../tokens.js";
import type { UserRepository } from "../users.js";

export interface AuthRoutesOptions {
  readonly accounts: SpotifyAccounts;
  readonly webApi: SpotifyWebApi;
  readonly users: UserRepository;
  readonly tokens: TokenService;
}

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
  return new HttpProblem(400, "bad_request", `invalid query parameter(s): ${names}`);
}

export async function authRoutes(app: FastifyInstance, options: AuthRoutesOptions): Promise<void> {
  const { accounts, webApi, users, tokens } = options;

  app.get("/login", async (request, reply) => {
    const state = randomBytes(24).toString("base64url");
    request.session.set("oauthState", state);
    return reply.redirect(accounts.authorizeUrl(state));
  });

  app.get("/callback", async (request, reply) => {
    const query = callbackQuery.safeParse(request.query);
    if (!query.success) throw badQuery(query.error);
    const expectedState = request.session.get("oauthState");
    // The state is good for one callback only.
    request.session.set("oauthState", undefined);
    if (!sameState(query.data.state, expectedState)) {
      throw new HttpProblem(400, "invalid_state", "the OAuth state is missing or does not match this browser's login; start again at /login");
    }
    if (query.data.error) throw new HttpProblem(400, "authorization_denied", `Spotify did not authorize the login: ${query.data.error}`);
    if (!query.data.code) throw new HttpProblem(400, "missing_code", "the callback carries no authorization code; start again at /login");

    const grant = await accounts.exchangeCode(query.data.code).catch((error: unknown) => {
      if (error instanceof AuthorizationCodeRejected) {
        throw new HttpProblem(400, "invalid_code", "the authorization code is invalid or expired; start again at /login");
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
    request.session.set("userId", user.id);
    request.log.info({ userId: user.id, spotifyUserId: user.spotifyUserId }, "user logged in");
    return reply.redirect("/");
  });

  const logout = async (request: FastifyRequest, reply: FastifyReply) => {
    endSession(request);
    return reply.redirect("/login");
  };
  app.get("/logout", logout);
  app.post("/logout", logout);
}
