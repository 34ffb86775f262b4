/**
 * The signed-in user's own data (API.md): profile and counts, posts with
 * scores (paged, sorted), top posts, flagged replies, and account deletion,
 * which deletes every row of the user's data.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Authenticator, Caller } from "../auth/authenticate.js";
import type { SessionCookies } from "../auth/cookies.js";
import { ReadCache } from "../data/cache.js";
import { forgetUser } from "../data/forget-user.js";
import { countsJson, postJson, POST_SORTS, SORT_ORDERS, type Counts, type PostQueries } from "../data/posts.js";
import type { User, UserRepository } from "../data/users.js";
import type { Redis } from "../redis.js";
import { integer } from "../shared/env.js";
import { HttpProblem } from "../shared/web/errors.js";

export interface MeRoutesOptions {
  readonly auth: Authenticator;
  readonly users: UserRepository;
  readonly posts: PostQueries;
  readonly cache: ReadCache;
  readonly cookies: SessionCookies;
  readonly redis: Redis;
  readonly toxicityThreshold: number;
}

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: () => `must be one of ${values.join(", ")}` });

const pageQuery = {
  page: integer(1, 100_000).default(1),
  perPage: integer(1, 100).default(20),
};
const postsQuery = z.object({ sort: oneOf(POST_SORTS).default("score"), order: oneOf(SORT_ORDERS).default("desc"), ...pageQuery });
const topQuery = z.object({ limit: integer(1, 50).default(5) });
const flaggedQuery = z.object(pageQuery);

/** Parses the query string; a bad value is a 400 naming the parameter. */
function parseQuery<T extends z.ZodType>(schema: T, request: FastifyRequest): z.output<T> {
  const parsed = schema.safeParse(request.query);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? "query");
    return `${name} ${issue.code === "invalid_type" ? "must be given once, as text" : issue.message}`;
  });
  throw new HttpProblem(400, "invalid_parameter", `Query parameter ${problems.join("; ")}.`);
}

export async function meRoutes(app: FastifyInstance, options: MeRoutesOptions): Promise<void> {
  const { auth, users, posts, cache, cookies, redis, toxicityThreshold } = options;
  const onRequest = { preHandler: auth.required };

  function callerOf(request: FastifyRequest): Caller {
    if (!request.caller) throw new Error("route registered without the authentication preHandler");
    return request.caller;
  }

  /** The caller's user row; a token that outlived its account is a 401. */
  async function currentUser(request: FastifyRequest): Promise<User> {
    const user = await users.find(callerOf(request).userId);
    if (!user) throw new HttpProblem(401, "unauthenticated", "This account no longer exists; sign in again.");
    return user;
  }

  /** Counts change only when ingestion runs (or the threshold changes), so that is the cache key. */
  function countsOf(user: User): Promise<Counts> {
    const version = `${user.lastIngestedAt?.getTime() ?? "never"}:${toxicityThreshold}`;
    return cache.getOrCompute(ReadCache.userKey(user.id, `counts:${version}`), countsJson, () => posts.counts(user.id));
  }

  app.get("/api/v1/me", onRequest, async (request, reply) => {
    const user = await currentUser(request);
    const counts = await countsOf(user);
    return reply.header("cache-control", "no-store").send({
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      profilePictureUrl: user.profilePictureUrl,
      createdAt: user.createdAt.toISOString(),
      lastIngestedAt: user.lastIngestedAt?.toISOString() ?? null,
      counts,
    });
  });

  app.get("/api/v1/me/posts", onRequest, async (request, reply) => {
    const query = parseQuery(postsQuery, request);
    const user = await currentUser(request);
    const [items, counts] = await Promise.all([posts.page(user.id, query.sort, query.order, query.page, query.perPage), countsOf(user)]);
    return reply.header("cache-control", "no-store").send({ items, page: query.page, perPage: query.perPage, total: counts.posts });
  });

  app.get("/api/v1/me/posts/top", onRequest, async (request, reply) => {
    const { limit } = parseQuery(topQuery, request);
    const user = await currentUser(request);
    const version = `${user.lastIngestedAt?.getTime() ?? "never"}:${toxicityThreshold}:${limit}`;
    const items = await cache.getOrCompute(ReadCache.userKey(user.id, `top:${version}`), z.array(postJson), () => posts.top(user.id, limit));
    return reply.header("cache-control", "no-store").send({ items });
  });

  app.get("/api/v1/me/replies/flagged", onRequest, async (request, reply) => {
    const query = parseQuery(flaggedQuery, request);
    const user = await currentUser(request);
    const [items, counts] = await Promise.all([posts.flaggedReplies(user.id, query.page, query.perPage), countsOf(user)]);
    return reply.header("cache-control", "no-store").send({ items, page: query.page, perPage: query.perPage, total: counts.flaggedReplies });
  });

  app.delete("/api/v1/me", onRequest, async (request, reply) => {
    const { userId } = callerOf(request);
    const deleted = await forgetUser({ users, cache, redis }, userId, request.log);
    cookies.clearSession(reply);
    if (!deleted) throw new HttpProblem(401, "unauthenticated", "This account no longer exists.");
    request.log.info({ userId }, "account deleted with all of its data");
    return reply.code(204).send();
  });
}
