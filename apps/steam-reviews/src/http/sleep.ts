/** Waiting that a stop request (SIGTERM) cuts short, told as this app's Interrupted. */
import { sleep as cancellableSleep } from "../shared/http/sleep.js";

/** The work was asked to stop (SIGTERM) before it finished; what it committed so far stays. */
export class Interrupted extends Error {
  constructor(message = "interrupted: asked to stop") {
    super(message);
    this.name = "Interrupted";
  }
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Resolves after `ms`, or rejects with Interrupted as soon as `signal` aborts. */
export const sleep: Sleep = (ms, signal) =>
  cancellableSleep(ms, signal).catch(() => {
    throw new Interrupted();
  });

export function throwIfStopped(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new Interrupted();
}
