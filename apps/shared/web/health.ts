/**
 * `/health` for Heroku's router and uptime checks, no auth: 200 with a small
 * JSON body when every required dependency answers within a second, 503
 * naming what failed otherwise. An optional dependency (a cache the app can
 * run without) that fails makes the answer `degraded`, still 200.
 */
import type { FastifyInstance } from "fastify";
import { withTimeout } from "../postgres.js";

export const HEALTH_TIMEOUT_MS = 1_000;

export interface HealthCheck {
  /** `database`, `redis`… */
  readonly name: string;
  /** Resolves when the dependency answers. */
  readonly probe: () => Promise<unknown>;
  /** The app keeps serving without it: a failure degrades, it does not fail. @default false */
  readonly optional?: boolean;
}

export interface HealthReport {
  readonly status: "ok" | "degraded" | "unhealthy";
  readonly checks: Readonly<Record<string, "ok" | "failed">>;
  /** Names of the dependencies that failed. */
  readonly failed: readonly string[];
  /** The release Heroku runs (HEROKU_RELEASE_VERSION), when known. */
  readonly release?: string;
}

/** Runs every probe at once, each within `timeoutMs`. */
export async function checkHealth(checks: readonly HealthCheck[], timeoutMs = HEALTH_TIMEOUT_MS, release?: string): Promise<HealthReport> {
  const outcomes = await Promise.all(
    checks.map(async (check) => {
      try {
        await withTimeout(check.probe(), timeoutMs, check.name);
        return { check, ok: true };
      } catch {
        return { check, ok: false };
      }
    }),
  );
  const failed = outcomes.filter((outcome) => !outcome.ok);
  const status = failed.some((outcome) => !outcome.check.optional) ? "unhealthy" : failed.length > 0 ? "degraded" : "ok";
  const report: HealthReport = {
    status,
    checks: Object.fromEntries(outcomes.map((outcome) => [outcome.check.name, outcome.ok ? "ok" : "failed"])),
    failed: failed.map((outcome) => outcome.check.name),
    ...(release !== undefined ? { release } : {}),
  };
  return report;
}

export interface HealthRouteOptions {
  readonly checks: readonly HealthCheck[];
  /** @default "/health" */
  readonly path?: string;
  readonly release?: string;
}

export async function healthRoute(server: FastifyInstance, options: HealthRouteOptions): Promise<void> {
  server.get(options.path ?? "/health", async (request, reply) => {
    const report = await checkHealth(options.checks, HEALTH_TIMEOUT_MS, options.release);
    if (report.failed.length > 0) request.log.warn({ failed: report.failed }, "health check: dependency failed");
    return reply
      .code(report.status === "unhealthy" ? 503 : 200)
      .header("cache-control", "no-store")
      .send(report);
  });
}
