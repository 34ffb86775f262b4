/**
 * GramJS logs with its own coloured console lines; the contract wants one
 * JSON object per line. This logger hands its messages to pino instead, at
 * warn and above unless the app logs at debug.
 */
import { Logger as GramLogger, LogLevel } from "telegram/extensions/Logger.js";
import type { Logger } from "pino";

class PinoBridge extends GramLogger {
  readonly #logger: Logger;

  constructor(logger: Logger, level: LogLevel) {
    super(level);
    this.#logger = logger;
  }

  override log(level: LogLevel, message: string): void {
    const fields = { library: "gramjs" };
    if (level === LogLevel.ERROR) this.#logger.error(fields, message);
    else if (level === LogLevel.WARN) this.#logger.warn(fields, message);
    else if (level === LogLevel.INFO) this.#logger.info(fields, message);
    else this.#logger.debug(fields, message);
  }
}

export function libraryLogger(logger: Logger): GramLogger {
  const level = logger.isLevelEnabled("debug") ? LogLevel.DEBUG : LogLevel.WARN;
  return new PinoBridge(logger, level);
}
