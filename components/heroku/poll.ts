/**
 * Waiting for Heroku to finish something (an add-on provisioning, a build,
 * a release phase), with progress: which object, its state, time elapsed.
 * Every poll costs a rate-limit token, so intervals are seconds, not
 * milliseconds (tests shrink them with `FLEET_HEROKU_POLL_MS`).
 */
import type { HerokuLogger } from "./log";

/** One wait. */
export interface PollSpec<T> {
  /** The object, as a user would name it: `add-on shop-db on app shop-staging`. */
  readonly what: string;
  /** Reads the object once. */
  readonly read: () => Promise<T>;
  /** Its state, for progress lines and the timeout message. */
  readonly state: (value: T) => string;
  /** Done waiting (success). */
  readonly done: (value: T) => boolean;
  /** A message when the object reached a state it will not leave (failure). */
  readonly failed?: (value: T) => string | undefined;
  /** Time between reads. */
  readonly intervalMs: number;
  /** Give up after this long. */
  readonly timeoutMs: number;
  /** Where progress goes. */
  readonly log: HerokuLogger;
}

/** The object did not get there in time (a plain Error: see errors.ts). */
export type PollTimeoutError = Error & { readonly kind: "poll-timeout"; readonly what: string; readonly lastState: string; readonly elapsedMs: number };

/** The object reached a state it will not leave. */
export type PollFailedError = Error & { readonly kind: "poll-failed"; readonly what: string; readonly lastState: string };

export function isPollTimeout(error: unknown): error is PollTimeoutError {
  return error instanceof Error && (error as Partial<PollTimeoutError>).kind === "poll-timeout";
}

export function isPollFailed(error: unknown): error is PollFailedError {
  return error instanceof Error && (error as Partial<PollFailedError>).kind === "poll-failed";
}

/**
 * Reads until `done`; logs the state when it changes and about every 30 s.
 * @throws a PollFailedError when `failed` says so, a PollTimeoutError after `timeoutMs`.
 */
export async function pollUntil<T>(spec: PollSpec<T>): Promise<T> {
  const started = Date.now();
  let lastState = "";
  let lastLogged = started;
  for (;;) {
    const value = await spec.read();
    const state = spec.state(value);
    const elapsed = Date.now() - started;
    if (spec.done(value)) {
      if (elapsed > 0 && lastState !== "") spec.log.info(`${spec.what}: ${state} after ${formatElapsed(elapsed)}`);
      return value;
    }
    const failure = spec.failed?.(value);
    if (failure !== undefined) {
      throw Object.assign(new Error(failure), { kind: "poll-failed" as const, what: spec.what, lastState: state });
    }
    if (state !== lastState || Date.now() - lastLogged >= 30_000) {
      spec.log.info(`waiting for ${spec.what}: ${state} (${formatElapsed(elapsed)})`);
      lastLogged = Date.now();
      lastState = state;
    }
    if (elapsed + spec.intervalMs > spec.timeoutMs) {
      const message = `Timed out after ${formatElapsed(elapsed)} waiting for ${spec.what}: still ${state}.`;
      throw Object.assign(new Error(message), { kind: "poll-timeout" as const, what: spec.what, lastState: state, elapsedMs: elapsed });
    }
    await new Promise((resolve) => setTimeout(resolve, spec.intervalMs));
  }
}

/** `4 s`, `2 min 5 s`. */
export function formatElapsed(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return ms < 1000 ? `${ms} ms` : `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
