/** threads-api's logger: the shared JSON-lines logger, with the stack (APP_ENV) and dyno on every line. */
import type { DestinationStream, Logger } from "pino";
import type { Env } from "./env.js";
import { createLogger as createSharedLogger } from "./shared/log.js";

export const APP_NAME = "threads-api";

export function createLogger(env: Pick<Env, "LOG_LEVEL" | "APP_ENV" | "DYNO">, destination?: DestinationStream): Logger {
  return createSharedLogger({
    app: APP_NAME,
    level: env.LOG_LEVEL,
    base: { appEnv: env.APP_ENV, dyno: env.DYNO },
    ...(destination ? { destination } : {}),
  });
}
