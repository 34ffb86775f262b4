/** euterpe's logger: the shared JSON-lines logger with its redaction, named for the app. */
import type { DestinationStream, Logger } from "pino";
import { APP_NAME } from "./env.js";
import { createLogger as createAppLogger } from "./shared/log.js";

export { redactUrl } from "./shared/log.js";

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return createAppLogger({ app: APP_NAME, level, ...(destination ? { destination } : {}) });
}
