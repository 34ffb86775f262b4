/** steam-reviews' logger: the shared JSON-lines logger with its redaction, named for the app, the dyno on every line. */
import type { DestinationStream, Logger } from "pino";
import { createLogger as createAppLogger } from "./shared/log.js";

export interface AppLoggerOptions {
  readonly level: string;
  /** `web.1`, `scheduler.4821`, `release.7`, `run.1234`. */
  readonly dyno?: string | undefined;
  readonly destination?: DestinationStream | undefined;
}

export function createLogger(options: AppLoggerOptions): Logger {
  return createAppLogger({
    app: "steam-reviews",
    level: options.level,
    base: { dyno: options.dyno },
    ...(options.destination ? { destination: options.destination } : {}),
  });
}
