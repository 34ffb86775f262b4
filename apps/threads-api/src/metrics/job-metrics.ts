/**
 * Metrics of the scheduled jobs. Ingestion runs in one-off dynos that are
 * gone before Prometheus scrapes, so they record into Redis (`<prefix>metrics:`,
 * a fixed handful of hashes) and the web process exposes them: cumulative
 * histograms (`le` buckets, sum, count) and counters by label, in the
 * Prometheus text format.
 */
import type { Redis } from "../redis.js";
import { REDIS_AREAS } from "../redis.js";

export interface HistogramSpec {
  readonly name: string;
  readonly help: string;
  readonly buckets: readonly number[];
}

export interface CounterSpec {
  readonly name: string;
  readonly help: string;
  readonly label: string;
}

export const INGEST_USER_DURATION: HistogramSpec = {
  name: "threads_ingest_user_duration_seconds",
  help: "Time to ingest one user's posts and replies (Threads calls, storing, scoring)",
  buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
};
export const INGEST_RUN_DURATION: HistogramSpec = {
  name: "threads_ingest_run_duration_seconds",
  help: "Time of one scheduled ingestion run",
  buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200],
};
export const SCORING_DURATION: HistogramSpec = {
  name: "threads_scoring_duration_seconds",
  help: "Time to score one user's new posts and replies (moderation calls and engagement decay)",
  buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
};
export const INGEST_JOBS: CounterSpec = {
  name: "threads_ingest_jobs_total",
  help: "Ingestion jobs by outcome",
  label: "outcome",
};

export const JOB_HISTOGRAMS = [INGEST_USER_DURATION, INGEST_RUN_DURATION, SCORING_DURATION] as const;
export const JOB_COUNTERS = [INGEST_JOBS] as const;

const key = (name: string) => `${REDIS_AREAS.metrics}${name}`;

/** Prometheus renders +Inf and numbers in a fixed way. */
function le(bound: number): string {
  return Number.isFinite(bound) ? String(bound) : "+Inf";
}

export class JobMetrics {
  constructor(private readonly redis: Redis) {}

  async observe(spec: HistogramSpec, seconds: number): Promise<void> {
    const multi = this.redis.multi();
    for (const bound of spec.buckets) if (seconds <= bound) multi.hincrby(key(spec.name), `le:${le(bound)}`, 1);
    multi.hincrby(key(spec.name), "le:+Inf", 1);
    multi.hincrby(key(spec.name), "count", 1);
    multi.hincrbyfloat(key(spec.name), "sum", seconds);
    await multi.exec();
  }

  async increment(spec: CounterSpec, labelValue: string): Promise<void> {
    await this.redis.hincrby(key(spec.name), labelValue, 1);
  }

  /** The text exposition of every job metric (empty histograms show zeros). */
  async exposition(): Promise<string> {
    const specs = [...JOB_HISTOGRAMS, ...JOB_COUNTERS];
    const hashes = await Promise.all(specs.map((spec) => this.redis.hgetall(key(spec.name))));
    const blocks: string[] = [];
    JOB_HISTOGRAMS.forEach((spec, index) => {
      const hash = hashes[index] ?? {};
      const lines = [`# HELP ${spec.name} ${spec.help}`, `# TYPE ${spec.name} histogram`];
      for (const bound of [...spec.buckets, Number.POSITIVE_INFINITY]) {
        lines.push(`${spec.name}_bucket{le="${le(bound)}"} ${Number(hash[`le:${le(bound)}`] ?? 0)}`);
      }
      lines.push(`${spec.name}_sum ${Number(hash["sum"] ?? 0)}`, `${spec.name}_count ${Number(hash["count"] ?? 0)}`);
      blocks.push(lines.join("\n"));
    });
    JOB_COUNTERS.forEach((spec, index) => {
      const hash = hashes[JOB_HISTOGRAMS.length + index] ?? {};
      const lines = [`# HELP ${spec.name} ${spec.help}`, `# TYPE ${spec.name} counter`];
      for (const [value, count] of Object.entries(hash).sort(([a], [b]) => a.localeCompare(b))) {
        lines.push(`${spec.name}{${spec.label}="${value.replace(/[\\"\n]/g, "_")}"} ${Number(count)}`);
      }
      blocks.push(lines.join("\n"));
    });
    return `${blocks.join("\n\n")}\n`;
  }
}
