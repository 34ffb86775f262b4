/** Log lines from inside Next.js (pages, route handlers): the same JSON lines as dist/server.js writes. */
import type { Logger } from "pino";
import { createLogger } from "../shared/log.js";
import { runtimeEnv } from "./runtime-env.js";

let cached: Logger | undefined;

export function logger(): Logger {
  if (cached === undefined) {
    const env = runtimeEnv();
    cached = createLogger({ app: "threads-web", level: env.LOG_LEVEL, base: { env: env.APP_ENV, dyno: env.DYNO } });
  }
  return cached;
}
