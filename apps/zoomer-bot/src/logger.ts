/** zoomer-bot's logger: the shared JSON-lines logger with its redaction, named for the app, with the stack and dyno on every line. */
import type { DestinationStream, Logger } from "pino";
import { createLogger as createAppLogger } from "./shared/log.js";

export const APP_NAME = "zoomer-bot";

export function createLogger(level: string, fields: { env?: string; dyno?: string | undefined } = {}, destination?: DestinationStream): Logger {
  return createAppLogger({ app: APP_NAME, level, base: fields, ...(destination ? { destination } : {}) });
}
