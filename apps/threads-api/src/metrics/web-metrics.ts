/**
 * The web process's own metrics (prom-client, one registry per app so tests
 * can build several): request latency by route and status, errors, the
 * work-queue depth read from Redis at scrape time, and Node's process
 * metrics. `/admin/metrics` appends the jobs' metrics kept in Redis.
 */
import type { FastifyInstance } from "fastify";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { JobMetrics } from "./job-metrics.js";

export interface QueueDepths {
  readonly pending: number;
  readonly processing: number;
  readonly deferred: number;
}

export class WebMetrics {
  readonly registry = new Registry();
  readonly #requestDuration: Histogram<"method" | "route" | "status_code">;
  readonly #errors: Counter<"method" | "route" | "status_code">;

  constructor(
    private readonly jobMetrics: JobMetrics,
    queueDepths: () => Promise<QueueDepths>,
  ) {
    collectDefaultMetrics({ register: this.registry });
    this.#requestDuration = new Histogram({
      name: "http_request_duration_seconds",
      help: "Time from receiving a request to sending its answer",
      labelNames: ["method", "route", "status_code"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.#errors = new Counter({
      name: "http_request_errors_total",
      help: "Answers with a 4xx or 5xx status",
      labelNames: ["method", "route", "status_code"],
      registers: [this.registry],
    });
    new Gauge({
      name: "threads_queue_depth",
      help: "Ingestion jobs in the Redis work queue, by list",
      labelNames: ["list"],
      registers: [this.registry],
      async collect() {
        const depths = await queueDepths();
        this.set({ list: "pending" }, depths.pending);
        this.set({ list: "processing" }, depths.processing);
        this.set({ list: "deferred" }, depths.deferred);
      },
    });
  }

  /** One observation per answered request, labelled by route pattern (never the raw URL). */
  install(server: FastifyInstance): void {
    server.addHook("onResponse", async (request, reply) => {
      const route = request.routeOptions.url ?? "unmatched";
      const labels = { method: request.method, route, status_code: String(reply.statusCode) };
      this.#requestDuration.observe(labels, reply.elapsedTime / 1000);
      if (reply.statusCode >= 400) this.#errors.inc(labels);
    });
  }

  async exposition(): Promise<string> {
    const [web, jobs] = await Promise.all([this.registry.metrics(), this.jobMetrics.exposition()]);
    return `${web}\n${jobs}`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
