/** shop-sentiment's logger: the shared JSON-lines logger with its redaction, named for the app. */
import type { DestinationStream, Logger } from "pino";
import { createLogger as createAppLogger } from "./shared/log.js";

export type { Logger } from "pino";

export const APP_NAME = "shop-sentiment";

export function createLogger(level: string, destination?: DestinationStream, base?: Readonly<Record<string, string | undefined>>): Logger {
  return createAppLogger({ app: APP_NAME, level, ...(base ? { base } : {}), ...(destination ? { destination } : {}) });
}
