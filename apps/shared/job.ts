/**
 * What every one-off or scheduled job (`heroku run …`, Heroku Scheduler)
 * does around its work: validate the environment (exit 1 naming every bad
 * variable), open its clients, run, close them, and exit with the work's
 * code — 1 when the work threw. The first SIGTERM or SIGINT (Heroku stopping
 * the dyno) aborts `stop`, so the work can end at its next safe point; a job
 * still running SHUTDOWN_DEADLINE_MS later exits 1.
 */
import type { Logger } from "pino";
import { exitOnInvalidEnv } from "./boot.js";
import { SHUTDOWN_DEADLINE_MS } from "./shutdown.js";

export interface JobContext<E> {
  readonly env: E;
  /** The app's logger with `job: <name>` on every line. */
  readonly logger: Logger;
  /** Aborts on the first SIGTERM or SIGINT. */
  readonly stop: AbortSignal;
}

/** What a job opens; `close` runs once the work is over, whatever its outcome. */
export type JobResources<R> = R & { close(): Promise<void> };

export interface JobSpec<E, R extends object> {
  /** The app's name, on the line that names bad variables. */
  readonly app: string;
  /** The job's name, on every log line (`job`). */
  readonly name: string;
  readonly loadEnv: () => E;
  readonly createLogger: (env: E) => Logger;
  /** Opens what the work uses (a pool, Redis). */
  readonly open: (env: E, logger: Logger) => JobResources<R>;
  /** The work: resolves to the exit code (0 done, non-zero not done, the log saying why). */
  readonly work: (job: JobContext<E> & R) => Promise<number>;
  /** What a throw from the work is logged as (at fatal). @default "<name> failed" */
  readonly failure?: string;
}

/** How long a finished job waits for what it has not closed itself (a library's socket) before it exits anyway. */
export const EXIT_GRACE_MS = 5_000;

/** Runs the job; the process then exits with its code. */
export async function runJob<E, R extends object>(spec: JobSpec<E, R>): Promise<void> {
  const env = exitOnInvalidEnv(spec.app, spec.loadEnv);
  const logger = spec.createLogger(env).child({ job: spec.name });
  const stop = stopOnSignal(logger);
  const resources = spec.open(env, logger);
  let code: number;
  try {
    code = await spec.work({ ...resources, env, logger, stop });
  } catch (error) {
    logger.fatal({ err: error }, spec.failure ?? `${spec.name} failed`);
    code = 1;
  }
  await resources.close().catch(() => undefined);
  // No process.exit() here: the log writes asynchronously, and exiting at once
  // could lose or reorder the last lines, the ones that say how the job ended.
  process.exitCode = code;
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
}

/** A signal aborted by the first SIGTERM or SIGINT, which also arms the deadline. */
function stopOnSignal(logger: Logger): AbortSignal {
  const controller = new AbortController();
  const onSignal = (signal: string) => {
    if (controller.signal.aborted) return;
    logger.info({ signal }, "stopping: finishing the work in flight");
    controller.abort();
    setTimeout(() => {
      logger.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, "still running at the shutdown deadline; exiting");
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
  };
  process.once("SIGTERM", () => onSignal("SIGTERM"));
  process.once("SIGINT", () => onSignal("SIGINT"));
  return controller.signal;
}
