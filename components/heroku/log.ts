/**
 * Progress lines of the Heroku providers. They go to stderr, which the
 * provider host forwards to the Pulumi CLI, and always pass through the
 * client's redactor: a logger cannot print what the client would not.
 *
 * Tests (and the benchmark) install a sink on `globalThis` to collect the
 * lines instead of printing them.
 */

/** Where progress goes. Every line is redacted before it gets here. */
export interface HerokuLogger {
  /** Something a user watching `pulumi up` wants to see (waits, retries). */
  info(message: string): void;
  /** One line per HTTP exchange, shown only with `FLEET_HEROKU_LOG=debug`. */
  debug(message: string): void;
}

/** A function that receives every logged line, installed by tests. */
export type LogSink = (level: "info" | "debug", line: string) => void;

/** Builds the logger of one client: `redact` is applied to every line. */
export function createLogger(redact: (text: string) => string, level: "silent" | "info" | "debug"): HerokuLogger {
  const write = (lineLevel: "info" | "debug", message: string): void => {
    const line = `heroku: ${redact(message)}`;
    const sink = logSink();
    if (sink) {
      sink(lineLevel, line);
      return;
    }
    if (level === "silent" || (lineLevel === "debug" && level !== "debug")) return;
    process.stderr.write(`${line}\n`);
  };
  return { info: (message) => write("info", message), debug: (message) => write("debug", message) };
}

/** Installs (or with `undefined` removes) the process-wide sink. */
export function setLogSink(sink: LogSink | undefined): void {
  (globalThis as unknown as Record<symbol, LogSink | undefined>)[Symbol.for("fleet.heroku.logSink")] = sink;
}

function logSink(): LogSink | undefined {
  return (globalThis as unknown as Record<symbol, LogSink | undefined>)[Symbol.for("fleet.heroku.logSink")];
}
