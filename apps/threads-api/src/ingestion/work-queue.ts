/**
 * The ingestion work queue in Redis, under `<prefix>queue:`. Reliable: a
 * worker moves a job atomically from `pending` to its own `processing:<run>`
 * list (LMOVE) and removes it only when done, so a run that crashes mid-job
 * leaves the job where the next run finds it. Each run keeps a heartbeat key
 * with a TTL; a processing list whose heartbeat is gone belongs to a dead run
 * and is moved back to `pending`. A user is queued at most once (`members`).
 * Jobs that hit a temporary limit wait in `deferred` until the next run.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { REDIS_AREAS, type Redis } from "../redis.js";

const job = z.object({ userId: z.string().uuid(), attempts: z.number().int().min(0), enqueuedAt: z.string() });
export type IngestJob = z.output<typeof job>;

export interface TakenJob {
  readonly job: IngestJob;
  /** The exact list entry, to remove it when done. */
  readonly raw: string;
}

/** After this many deferrals a job is dropped; the user is queued afresh by the next due check. */
export const MAX_ATTEMPTS = 5;

const Q = REDIS_AREAS.queue;
export const QUEUE_KEYS = {
  pending: `${Q}pending`,
  deferred: `${Q}deferred`,
  members: `${Q}members`,
  runs: `${Q}runs`,
  processing: (runId: string) => `${Q}processing:${runId}`,
  heartbeat: (runId: string) => `${Q}heartbeat:${runId}`,
};

/** KEYS: members, pending; ARGV: user id, job. */
const ENQUEUE_SCRIPT = `
  if redis.call('SADD', KEYS[1], ARGV[1]) == 1 then
    redis.call('LPUSH', KEYS[2], ARGV[2])
    return 1
  end
  return 0`;

export class WorkQueue {
  readonly runId: string;
  readonly #heartbeatTtlSeconds: number;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    options: { runId?: string; heartbeatTtlSeconds?: number } = {},
  ) {
    this.runId = options.runId ?? randomUUID();
    this.#heartbeatTtlSeconds = options.heartbeatTtlSeconds ?? 60;
  }

  /** Queues ingestion for a user unless already queued; true when queued now. One script, so a crash cannot leave a member without its job. */
  async enqueue(userId: string, now = new Date()): Promise<boolean> {
    const job = JSON.stringify({ userId, attempts: 0, enqueuedAt: now.toISOString() } satisfies IngestJob);
    const added = await this.redis.eval(ENQUEUE_SCRIPT, 2, QUEUE_KEYS.members, QUEUE_KEYS.pending, userId, job);
    return Number(added) === 1;
  }

  /** Announces this run and keeps its heartbeat alive until `stop`. */
  async start(): Promise<void> {
    await this.#beat();
    await this.redis.sadd(QUEUE_KEYS.runs, this.runId);
    this.#heartbeat = setInterval(() => void this.#beat().catch(() => undefined), (this.#heartbeatTtlSeconds * 1000) / 3);
    this.#heartbeat.unref();
  }

  /** Moves the jobs of runs whose heartbeat expired (they crashed) back to pending. */
  async recoverOrphans(): Promise<number> {
    let recovered = 0;
    for (const runId of await this.redis.smembers(QUEUE_KEYS.runs)) {
      if (runId === this.runId || (await this.redis.exists(QUEUE_KEYS.heartbeat(runId))) === 1) continue;
      recovered += await this.#moveAll(QUEUE_KEYS.processing(runId), QUEUE_KEYS.pending);
      await this.redis.srem(QUEUE_KEYS.runs, runId);
    }
    return recovered;
  }

  /** Gives deferred jobs another go in this run. */
  async releaseDeferred(): Promise<number> {
    return this.#moveAll(QUEUE_KEYS.deferred, QUEUE_KEYS.pending);
  }

  /** The oldest pending job, now in this run's processing list; undefined when the queue is empty. */
  async take(): Promise<TakenJob | undefined> {
    for (;;) {
      const raw = await this.redis.lmove(QUEUE_KEYS.pending, QUEUE_KEYS.processing(this.runId), "RIGHT", "LEFT");
      if (raw === null) return undefined;
      const parsed = safeJson(raw);
      if (parsed !== undefined) return { job: parsed, raw };
      // Not a job we wrote: drop it rather than fail every run on it.
      await this.redis.lrem(QUEUE_KEYS.processing(this.runId), 1, raw);
    }
  }

  async complete(taken: TakenJob): Promise<void> {
    await this.redis.multi().lrem(QUEUE_KEYS.processing(this.runId), 1, taken.raw).srem(QUEUE_KEYS.members, taken.job.userId).exec();
  }

  /** Puts the job aside until the next run; drops it after MAX_ATTEMPTS. Returns whether it was kept. */
  async defer(taken: TakenJob): Promise<boolean> {
    const attempts = taken.job.attempts + 1;
    const multi = this.redis.multi().lrem(QUEUE_KEYS.processing(this.runId), 1, taken.raw);
    const kept = attempts < MAX_ATTEMPTS;
    if (kept) multi.lpush(QUEUE_KEYS.deferred, JSON.stringify({ ...taken.job, attempts }));
    else multi.srem(QUEUE_KEYS.members, taken.job.userId);
    await multi.exec();
    return kept;
  }

  /** Returns a job to pending untouched (the run is stopping before doing it). */
  async giveBack(taken: TakenJob): Promise<void> {
    await this.redis.multi().lrem(QUEUE_KEYS.processing(this.runId), 1, taken.raw).rpush(QUEUE_KEYS.pending, taken.raw).exec();
  }

  async depths(): Promise<{ pending: number; processing: number; deferred: number }> {
    const runs = await this.redis.smembers(QUEUE_KEYS.runs);
    const [pending, deferred, ...processing] = await Promise.all([
      this.redis.llen(QUEUE_KEYS.pending),
      this.redis.llen(QUEUE_KEYS.deferred),
      ...runs.map((runId) => this.redis.llen(QUEUE_KEYS.processing(runId))),
    ]);
    return { pending, deferred, processing: processing.reduce((sum, length) => sum + length, 0) };
  }

  /** Ends the run: anything still in its processing list goes back to pending, then its heartbeat goes. */
  async stop(): Promise<void> {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    await this.#moveAll(QUEUE_KEYS.processing(this.runId), QUEUE_KEYS.pending);
    await this.redis.multi().srem(QUEUE_KEYS.runs, this.runId).del(QUEUE_KEYS.heartbeat(this.runId)).exec();
  }

  async #beat(): Promise<void> {
    await this.redis.set(QUEUE_KEYS.heartbeat(this.runId), new Date().toISOString(), "EX", this.#heartbeatTtlSeconds);
  }

  /** Moves every entry from `from` to the end of `to` that `take` reads first: recovered work goes ahead. */
  async #moveAll(from: string, to: string): Promise<number> {
    let moved = 0;
    while ((await this.redis.lmove(from, to, "RIGHT", "RIGHT")) !== null) moved++;
    return moved;
  }
}

function safeJson(raw: string): IngestJob | undefined {
  try {
    const parsed = job.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
