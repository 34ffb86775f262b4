/**
 * Lines of a Heroku app's log as Logplex serves them:
 * `2026-11-28T21:35:54.123456+00:00 app[run.4520]: page 3 stored 100`.
 *
 * The Platform API never reports how a one-off dyno's process ended: the
 * dyno simply disappears. Heroku's own lines about the dyno (source
 * `heroku`) are the only record: `Process exited with status N`, then
 * `State changed from up to complete`. Only those lines are trusted: a
 * process that prints "Process exited with status 0" itself logs it as
 * `app[…]`, which never counts.
 */

/** One parsed log line. */
export interface LogEntry {
  /** Logplex's timestamp, as written. */
  readonly at: string;
  /** `app` (the process's output), `heroku` (the platform), or an add-on's name. */
  readonly source: string;
  /** `run.4520`, `web.1`, `router`. */
  readonly dyno: string;
  readonly message: string;
}

const LINE = /^(\S+) ([\w.-]+)\[([^\]\s]+)\]: ?(.*)$/;
const EXITED = /^Process exited with status (\d+)$/;
const STATE_CHANGE = /^State changed from (\w+) to (\w+)$/;
const STARTING = /^Starting process with command `(.*)`(?: by user \S+)?$/;

/** States a one-off dyno does not leave. */
const FINAL_STATES = new Set(["complete", "crashed", "down"]);

/** The parts of a log line, or undefined for a line that is not in Logplex's format. */
export function parseLogLine(raw: string): LogEntry | undefined {
  const match = LINE.exec(raw.replace(/\r$/, ""));
  if (!match) return undefined;
  const [, at, source, dyno, message] = match;
  return { at: at ?? "", source: source ?? "", dyno: dyno ?? "", message: message ?? "" };
}

/** The exit status Heroku logged for the dyno's process. */
export function exitStatusOf(entry: LogEntry): number | undefined {
  if (entry.source !== "heroku") return undefined;
  const match = EXITED.exec(entry.message);
  return match ? Number(match[1]) : undefined;
}

/** The state the dyno reached, when Heroku logged a change to a state it does not leave. */
export function finalStateOf(entry: LogEntry): string | undefined {
  if (entry.source !== "heroku") return undefined;
  const to = STATE_CHANGE.exec(entry.message)?.[2];
  return to !== undefined && FINAL_STATES.has(to) ? to : undefined;
}

/** The command Heroku logged a dyno starting with. */
export function startedCommandOf(entry: LogEntry): string | undefined {
  if (entry.source !== "heroku") return undefined;
  return STARTING.exec(entry.message)?.[1];
}

/** Logplex's timestamp in ms since the epoch (NaN when it cannot be read). */
export function timeOf(entry: LogEntry): number {
  return Date.parse(entry.at);
}
