/**
 * Posts are worked on one at a time, in the order they arrive, so the
 * destination reads in the source's order. Stopping lets the post in hand
 * finish within a grace period, then aborts it (it stays recorded where it
 * was) and records every post still waiting, for the next run.
 */
import type { Logger } from "pino";
import type { ChannelPost } from "../channel/adapter.js";
import type { Outcome, Pipeline } from "./pipeline.js";

export class PostQueue {
  readonly #pipeline: Pipeline;
  readonly #logger: Logger;
  readonly #waiting: ChannelPost[] = [];
  readonly #abort = new AbortController();
  readonly #idleWaiters: Array<() => void> = [];
  #running: Promise<void> | undefined;
  #accepting = true;
  /** Outcomes by kind since start (heartbeat). */
  readonly counts: Record<Outcome | "errors", number> = { posted: 0, recovered: 0, duplicate: 0, failed: 0, skipped: 0, left: 0, errors: 0 };

  constructor(pipeline: Pipeline, logger: Logger) {
    this.#pipeline = pipeline;
    this.#logger = logger;
  }

  get waiting(): number {
    return this.#waiting.length;
  }

  push(post: ChannelPost): void {
    if (!this.#accepting) return;
    this.#waiting.push(post);
    this.#kick();
  }

  #kick(): void {
    if (this.#running !== undefined) return;
    this.#running = this.#drain().finally(() => {
      this.#running = undefined;
      if (this.#waiting.length > 0 && this.#accepting) this.#kick();
      else for (const resolve of this.#idleWaiters.splice(0)) resolve();
    });
  }

  /** Resolves once nothing is waiting or in hand. */
  idle(): Promise<void> {
    if (this.#running === undefined && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async #drain(): Promise<void> {
    for (let post = this.#waiting.shift(); post !== undefined && !this.#abort.signal.aborted; post = this.#waiting.shift()) {
      try {
        this.counts[await this.#pipeline.process(post, this.#abort.signal)]++;
      } catch (error) {
        // The database or a bug: the post stays recorded where it was; the next catch-up or run resumes it.
        this.counts.errors++;
        this.#logger.error({ err: error, channelId: post.channelId, messageId: post.messageId }, "post processing stopped by an error; it will be resumed");
      }
    }
  }

  async stop(graceMs: number): Promise<void> {
    this.#accepting = false;
    const waiting = this.#waiting.splice(0);
    if (this.#running !== undefined) {
      const timer = setTimeout(() => this.#abort.abort(new Error("shutting down")), graceMs);
      await this.#running;
      clearTimeout(timer);
    }
    this.#abort.abort(new Error("shutting down"));
    for (const post of waiting) await this.#pipeline.claim(post);
    if (waiting.length > 0) this.#logger.info({ posts: waiting.length }, "shutting down: queued posts recorded for the next run");
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }
}
