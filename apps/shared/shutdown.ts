/**
 * Heroku stops a dyno with SIGTERM and kills it 30 s later. Every process
 * (web, worker, one-off job) registers one shutdown handler here: it runs
 * once, on the first SIGTERM or SIGINT, and the process exits 0 when it
 * finishes, 1 when it fails or outlives the deadline.
 */
import type { BaseLogger } from "pino";

/** What shutdown logs with: a pino logger or Fastify's `app.log`. */
export type ProcessLogger = Pick<BaseLogger, "info" | "error" | "fatal">;

/** Heroku sends SIGKILL 30 s after SIGTERM; leave a margin. */
export const SHUTDOWN_DEADLINE_MS = 25_000;

export interface ShutdownOptions {
  readonly logger: ProcessLogger;
  /** @default SHUTDOWN_DEADLINE_MS */
  readonly deadlineMs?: number;
}

/** Exits once what the process wrote to stdout has been handed on (a pipe takes it asynchronously). */
function exitAfterOutput(code: number): void {
  process.stdout.write("", () => process.exit(code));
}

export function onShutdown(stop: (signal: string) => Promise<void>, options: ShutdownOptions): void {
  const { logger } = options;
  const deadlineMs = options.deadlineMs ?? SHUTDOWN_DEADLINE_MS;
  let stopping = false;
  const handle = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: finishing work in flight");
    const deadline = setTimeout(() => {
      logger.error({ deadlineMs }, "work still in flight at the shutdown deadline; exiting anyway");
      process.exit(1);
    }, deadlineMs);
    deadline.unref();
    stop(signal).then(
      () => {
        logger.info("shut down cleanly");
        exitAfterOutput(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        exitAfterOutput(1);
      },
    );
  };
  process.once("SIGTERM", () => handle("SIGTERM"));
  process.once("SIGINT", () => handle("SIGINT"));
}
