/**
 * Admin routes, behind Cloudflare Access and checked by the app itself (the
 * herokuapp.com address bypasses Cloudflare): Prometheus metrics, and two
 * actions that are written to the audit log — ingest a user now, delete a
 * user's account on a request received elsewhere — plus reading that log.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { OriginPolicy } from "../auth/origins.js";
import type { AuditLog } from "../data/audit-log.js";
import type { ReadCache } from "../data/cache.js";
import { forgetUser } from "../data/forget-user.js";
import type { UserRepository } from "../data/users.js";
import type { WorkQueue } from "../ingestion/work-queue.js";
import type { WebMetrics } from "../metrics/web-metrics.js";
import type { Redis } from "../redis.js";
import { integer } from "../shared/env.js";
import type { AccessGuard } from "../shared/web/access.js";
import { HttpProblem } from "../shared/web/errors.js";

export interface AdminRoutesOptions {
  readonly guard: AccessGuard;
  readonly origins: OriginPolicy;
  readonly metrics: WebMetrics;
  readonly audit: AuditLog;
  readonly users: UserRepository;
  readonly queue: WorkQueue;
  readonly cache: ReadCache;
  readonly redis: Redis;
}

const userParams = z.object({ id: z.string().uuid() });
const auditQuery = z.object({ limit: integer(1, 500).default(100) });

function actorOf(request: FastifyRequest): string {
  const identity = request.accessIdentity;
  return `access:${identity?.email ?? identity?.subject ?? "development"}`;
}

function userIdOf(request: FastifyRequest): string {
  const parsed = userParams.safeParse(request.params);
  if (!parsed.success) throw new HttpProblem(400, "invalid_parameter", "The user id must be a UUID (the `id` of /api/v1/me).");
  return parsed.data.id;
}

export async function adminRoutes(app: FastifyInstance, options: AdminRoutesOptions): Promise<void> {
  const { guard, origins, metrics, audit, users, queue, cache, redis } = options;
  const admin = {
    preHandler: [
      guard,
      async (request: FastifyRequest) => {
        origins.requireForAdminRequest(request);
      },
    ],
  };

  app.get("/admin/metrics", admin, async (_request, reply) => {
    return reply.type(metrics.contentType).header("cache-control", "no-store").send(await metrics.exposition());
  });

  app.get("/admin/audit", admin, async (request, reply) => {
    const parsed = auditQuery.safeParse(request.query);
    if (!parsed.success) throw new HttpProblem(400, "invalid_parameter", "Query parameter limit must be a whole number from 1 to 500.");
    return reply.header("cache-control", "no-store").send({ items: await audit.recent(parsed.data.limit) });
  });

  app.post("/admin/users/:id/ingest", admin, async (request, reply) => {
    const userId = userIdOf(request);
    if (!(await users.find(userId))) throw new HttpProblem(404, "user_not_found", "No user has that id.");
    const queued = await queue.enqueue(userId);
    await audit.record({ actor: actorOf(request), action: "user.ingest_requested", target: userId, details: { alreadyQueued: !queued }, requestId: request.id });
    return reply.code(202).send({ queued: true, alreadyQueued: !queued });
  });

  app.delete("/admin/users/:id", admin, async (request, reply) => {
    const userId = userIdOf(request);
    if (!(await forgetUser({ users, cache, redis }, userId, request.log))) throw new HttpProblem(404, "user_not_found", "No user has that id.");
    await audit.record({ actor: actorOf(request), action: "user.deleted", target: userId, requestId: request.id });
    request.log.info({ userId, actor: actorOf(request) }, "account deleted by an administrator");
    return reply.code(204).send();
  });
}
