/**
 * One HTTP request to a third-party API, made politely and robustly: at most
 * one request per `minIntervalMs` from this client, a timeout per attempt, and
 * retries with exponential backoff on 429, 5xx, timeouts and network errors,
 * honouring Retry-After. What is not worth retrying (a 4xx, or what the
 * caller's `retryable` says) fails at once.
 */
import { backoffMs, retryAfterMs, type Backoff } from "../shared/http/retry.js";
import { withDeadline } from "../shared/http/sleep.js";
import { Interrupted, sleep as realSleep, type Sleep } from "./sleep.js";

export interface RetryPolicy extends Backoff {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** A Retry-After longer than this is not waited for: the request fails, naming the wait. */
  readonly maxRetryAfterMs: number;
}

export interface HttpDeps {
  readonly fetch: typeof globalThis.fetch;
  readonly sleep: Sleep;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

export const realHttpDeps: HttpDeps = { fetch: (input, init) => globalThis.fetch(input, init), sleep: realSleep, now: () => Date.now() };

export interface ClientSettings {
  /** The service's name in errors and logs: `Steam`, `OpenAI`. */
  readonly service: string;
  readonly minIntervalMs: number;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
}

/** An answer the service gave, body read as text. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** The service could not be reached or kept failing: try again later. */
export class UpstreamUnavailable extends Error {
  readonly service: string;
  /** When the service said how long to wait. */
  readonly retryAfterSeconds: number | undefined;

  constructor(service: string, reason: string, retryAfterSeconds?: number) {
    super(`${service} is not answering as expected: ${reason}`);
    this.name = "UpstreamUnavailable";
    this.service = service;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The service refused the request, and asking again will not help. */
export class UpstreamRejected extends Error {
  readonly service: string;
  readonly status: number;

  constructor(service: string, status: number, detail: string) {
    super(`${service} refused the request (HTTP ${status}): ${detail}`);
    this.name = "UpstreamRejected";
    this.service = service;
    this.status = status;
  }
}

export interface RequestOptions {
  /** Cuts waiting and the request in flight short (SIGTERM). */
  readonly signal?: AbortSignal | undefined;
  /** Whether a non-2xx answer (429 and 5xx by default) is worth another attempt. */
  readonly retryable?: (answer: HttpAnswer) => boolean;
  /** Called before each wait, for logging. */
  readonly onRetry?: (event: { attempt: number; waitMs: number; reason: string }) => void;
}

const defaultRetryable = (answer: HttpAnswer) => answer.status === 429 || answer.status >= 500;

/** A client for one service: keeps the pace between its requests. */
export class ResilientClient {
  readonly settings: ClientSettings;
  readonly #deps: HttpDeps;
  #nextSlotAt = 0;

  constructor(settings: ClientSettings, deps: HttpDeps = realHttpDeps) {
    this.settings = settings;
    this.#deps = deps;
  }

  /** The answer of the first attempt that is not retried (2xx or a refusal); throws when every attempt failed. */
  async request(url: string, init: RequestInit, options: RequestOptions = {}): Promise<HttpAnswer> {
    const { service, retry } = this.settings;
    const retryable = options.retryable ?? defaultRetryable;
    let lastReason = "no attempt made";
    let lastRetryAfterMs: number | undefined;
    for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
      await this.#waitForSlot(options.signal);
      let waitMs: number | undefined;
      try {
        const answer = await this.#attempt(url, init, options.signal);
        if (answer.status >= 200 && answer.status < 300) return answer;
        if (!retryable(answer)) return answer;
        lastReason = `HTTP ${answer.status}`;
        lastRetryAfterMs = retryAfterMs(answer.headers, this.#deps.now());
        if (lastRetryAfterMs !== undefined && lastRetryAfterMs > retry.maxRetryAfterMs) {
          throw new UpstreamUnavailable(service, `${lastReason}, asked to wait ${Math.ceil(lastRetryAfterMs / 1000)} s`, Math.ceil(lastRetryAfterMs / 1000));
        }
        waitMs = lastRetryAfterMs;
      } catch (error) {
        if (error instanceof UpstreamUnavailable || error instanceof Interrupted) throw error;
        if (options.signal?.aborted) throw new Interrupted();
        lastReason = describeFailure(error, this.settings.timeoutMs);
        lastRetryAfterMs = undefined;
      }
      if (attempt === retry.maxAttempts) break;
      const delay = Math.max(waitMs ?? 0, backoffMs(retry, attempt));
      options.onRetry?.({ attempt, waitMs: delay, reason: lastReason });
      await this.#deps.sleep(delay, options.signal);
    }
    const seconds = lastRetryAfterMs === undefined ? undefined : Math.ceil(lastRetryAfterMs / 1000);
    throw new UpstreamUnavailable(service, `${lastReason} after ${retry.maxAttempts} attempts`, seconds);
  }

  async #attempt(url: string, init: RequestInit, stop: AbortSignal | undefined): Promise<HttpAnswer> {
    const response = await this.#deps.fetch(url, { ...init, signal: withDeadline(stop, this.settings.timeoutMs) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  }

  /** At most one request per minIntervalMs, retries included. */
  async #waitForSlot(signal: AbortSignal | undefined): Promise<void> {
    const now = this.#deps.now();
    const wait = this.#nextSlotAt - now;
    this.#nextSlotAt = Math.max(now, this.#nextSlotAt) + this.settings.minIntervalMs;
    if (wait > 0) await this.#deps.sleep(wait, signal);
  }
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return `no answer within ${timeoutMs} ms`;
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === "string") return `network error ${code}`;
  return error instanceof Error ? `network error (${error.message})` : "network error";
}
