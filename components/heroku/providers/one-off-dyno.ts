/**
 * Running a command in a detached one-off dyno and finding out how it ended.
 *
 * The Platform API starts the dyno (`POST /apps/{app}/dynos`, `attach:
 * false`) and shows it while it runs (`GET /apps/{app}/dynos/{id}`:
 * `starting`, `up`), but once the process ends the dyno is simply gone
 * (404): no API field ever carries an exit status. Heroku writes it to the
 * app's log instead, as its own lines about the dyno: `Process exited with
 * status N`, then `State changed from up to complete`. So the run is watched
 * through a Logplex session filtered to the dyno (`POST /apps/{app}/log-
 * sessions` with `dyno`, `tail`, and `lines` of history, so nothing printed
 * before the connection is missed):
 *
 * - every line of the process goes to the client's logger as progress, the
 *   last ones are kept as the output tail;
 * - a stream that closes, drops or stays silent is followed by a look at the
 *   dyno: still running → a new session (lines already seen are skipped);
 *   gone → one more read of the history for the lines the stream missed;
 * - a dyno that is gone and whose end Heroku never logged is a failure that
 *   says so: success is never assumed;
 * - Heroku names a new dyno like one that has ended (`run.4520` again), so
 *   lines under its name from before it started are another process's and
 *   are left out.
 *
 * Starting is not idempotent, so nothing here ever starts a second dyno for
 * one run: a dyno already running the same command is followed instead, and
 * after a start whose answer was lost the dyno is looked up (among running
 * dynos, then among the log's `Starting process with command …` lines) before
 * anything is sent again — and only a log read to its end counts as "not
 * started".
 */
import { z } from "zod";
import { seg, type HerokuClient } from "../client";
import { isHerokuApiError, messageOf } from "../errors";
import { herokuSettings, pollInterval, waitTimeout } from "../env";
import { exitStatusOf, finalStateOf, parseLogLine, startedCommandOf, timeOf, type LogEntry } from "../log-lines";
import { readLogStream, type StreamEnd } from "../log-stream";
import { pollUntil } from "../poll";
import { compact } from "../provider-kit";
import { sleep } from "../retry";
import { configVarsSchema, dynoSchema, logSessionSchema, releaseSchema, type DynoBody } from "../schemas";

/** Lines Logplex keeps per app: asking for them all never misses what a dyno printed before we connected. */
const HISTORY_LINES = 1500;
/** How far back a lost start is looked for (clocks of this machine and Heroku's may differ). */
const CLOCK_SKEW_MS = 2 * 60_000;
/** Lines of output kept in the result (and in state). */
export const TAIL_LINES = 8;
const TAIL_LINE_CHARS = 160;
/** Reads of the log, when each breaks off, before a lost start is given up as unknown. */
const LOOKUP_READS = 3;
/** Starts attempted after answers that were lost and looked up without finding the dyno. */
const START_ATTEMPTS = 4;
const RELEASE_POLL_MS = 3_000;
const RELEASE_WAIT_MS = 65 * 60_000;
/** After the dyno's time to live Heroku kills it; this is how much longer the watch waits for the log to say so. */
const END_GRACE_MS = 10 * 60_000;

/** The dyno being watched: `id` is unknown only for a dyno found through the log. */
export interface WatchedDyno {
  readonly name: string;
  readonly id: string | undefined;
  readonly releaseVersion: number | undefined;
  /**
   * When Heroku started it (ms since the epoch, Heroku's clock, to the
   * second). Heroku names a new dyno like one that has ended (`run.4520`
   * again), so the log's lines under its name from before then belong to
   * another process. Undefined only for a run recorded before this was kept.
   */
  readonly startedAt: number | undefined;
}

/** How the run ended, as Heroku recorded it. */
export interface RunOutcome {
  readonly dyno: WatchedDyno;
  /** The exit status Heroku logged; undefined when it logged none. */
  readonly exitStatus: number | undefined;
  /** `complete`, `crashed`…, or `gone` when the dyno disappeared without a logged state. */
  readonly finalState: string;
  /** The last lines the process printed (redacted, shortened). */
  readonly tail: readonly string[];
}

export interface RunRequest {
  readonly appId: string;
  /** How the app is named in messages. */
  readonly appLabel: string;
  readonly command: string;
  readonly size: string | undefined;
  readonly timeToLiveSeconds: number;
}

/**
 * The app's newest release once its release phase is over: the command runs
 * on what it needs (migrations done, config in place), never beside a
 * release still pending. A failed release stops the run: the command would
 * run on an older release than the one it was meant for.
 */
export async function settledRelease(api: HerokuClient, appId: string, appLabel: string): Promise<number> {
  const newest = async () => {
    const [release] = await api.request("GET", `/apps/${seg(appId)}/releases`, {
      schema: z.array(releaseSchema()),
      range: "version ..; max=1, order=desc",
    });
    if (!release) throw new Error(`app ${appLabel} has no release yet: a command runs only once a build is released.`);
    return release;
  };
  const release = await pollUntil({
    what: `the newest release of app ${appLabel}`,
    read: newest,
    state: (r) => `v${r.version} ${r.status}`,
    done: (r) => r.status !== "pending",
    intervalMs: pollInterval(RELEASE_POLL_MS),
    timeoutMs: waitTimeout(RELEASE_WAIT_MS),
    log: api.log,
  });
  if (release.status !== "succeeded") {
    throw new Error(
      `release v${release.version} of app ${appLabel} ${release.status === "failed" ? "failed in its release phase" : `is ${release.status}`}, ` +
        `so the command would run on an older release; fix the release (\`heroku releases:output ${release.version} -a ${appLabel}\`) and run \`pulumi up\` again.`,
    );
  }
  return release.version;
}

/** A dyno of the app running exactly `command` now, if there is one. */
export async function runningDyno(api: HerokuClient, appId: string, command: string): Promise<DynoBody | undefined> {
  const dynos = await api.list(`/apps/${seg(appId)}/dynos`, dynoSchema());
  return dynos
    .filter((d) => d.command === command && (d.state === "starting" || d.state === "up"))
    .sort((a, b) => a.created_at.localeCompare(b.created_at))[0];
}

/** Starts the dyno; after a lost answer, finds the one Heroku started instead of starting another. */
export async function startDyno(api: HerokuClient, request: RunRequest): Promise<WatchedDyno> {
  for (let attempt = 1; ; attempt++) {
    const sentAt = Date.now();
    try {
      const dyno = await api.request("POST", `/apps/${seg(request.appId)}/dynos`, {
        body: compact({ command: request.command, attach: false, size: request.size, time_to_live: request.timeToLiveSeconds }),
        schema: dynoSchema(),
        idempotent: false,
        hint: `Check \`heroku ps -a ${request.appLabel}\` before running \`pulumi up\` again.`,
      });
      return fromBody(dyno);
    } catch (error) {
      if (!isAmbiguous(error) || attempt >= START_ATTEMPTS) throw error;
      const found = await findStarted(api, request, sentAt).catch((lookup: unknown) => {
        throw new Error(`${messageOf(error)} Looking for the dyno Heroku may have started failed too: ${messageOf(lookup)}`);
      });
      if (found) {
        api.log.info(`the answer to starting \`${request.command}\` was lost, but Heroku had started ${found.name}; following it`);
        return found;
      }
      api.log.info(`the answer to starting \`${request.command}\` was lost and Heroku shows no such dyno; starting it again`);
    }
  }
}

/** No answer, or a 5xx: Heroku may have started the dyno. */
function isAmbiguous(error: unknown): boolean {
  return isHerokuApiError(error) && (error.status === 0 || error.status >= 500);
}

/** The dyno as the API shows it, to be watched. */
export function fromBody(dyno: DynoBody): WatchedDyno {
  return { name: dyno.name, id: dyno.id, releaseVersion: dyno.release?.version, startedAt: toSecond(Date.parse(dyno.created_at)) };
}

/** The API gives `created_at` to the second: a log line's time is compared at that precision. */
function toSecond(ms: number): number | undefined {
  return Number.isFinite(ms) ? Math.floor(ms / 1000) * 1000 : undefined;
}

/** A line logged under the dyno's name before the dyno started: another, earlier dyno of the same name. */
function beforeStart(dyno: WatchedDyno, entry: LogEntry): boolean {
  return dyno.startedAt !== undefined && timeOf(entry) < dyno.startedAt;
}

/** The dyno started for this request since `sentAt`: running, or already ended but in the log. */
async function findStarted(api: HerokuClient, request: RunRequest, sentAt: number): Promise<WatchedDyno | undefined> {
  const since = sentAt - CLOCK_SKEW_MS;
  const dynos = await api.list(`/apps/${seg(request.appId)}/dynos`, dynoSchema());
  const running = dynos.find((d) => d.command === request.command && Date.parse(d.created_at) >= since);
  if (running) return fromBody(running);
  let found: WatchedDyno | undefined;
  // "Not in the log" is an answer only from a log read to its end: a read that broke off may have missed the start.
  for (let attempt = 1; ; attempt++) {
    const end = await readSession(api, request.appId, { source: "heroku", lines: HISTORY_LINES, tail: false }, (entry) => {
      if (startedCommandOf(entry) === request.command && timeOf(entry) >= since) found = { name: entry.dyno, id: undefined, releaseVersion: undefined, startedAt: toSecond(timeOf(entry)) };
      return false;
    });
    if (found !== undefined || end.kind === "closed" || end.kind === "stopped") return found;
    if (attempt >= LOOKUP_READS) {
      throw new Error(`the app's log could not be read to its end (${describeEnd(end)}), so it is unknown whether Heroku started \`${request.command}\`; nothing was started again.`);
    }
    api.log.info(`reading the log again to find \`${request.command}\`: ${describeEnd(end)}`);
    await sleep(pollInterval(RELEASE_POLL_MS));
  }
}

/** Opens a log session and reads it; `onEntry` returns true to stop. */
async function readSession(
  api: HerokuClient,
  appId: string,
  filter: { dyno?: string; source?: string; lines: number; tail: boolean },
  onEntry: (entry: LogEntry, raw: string) => boolean,
): Promise<StreamEnd> {
  const session = await api.request("POST", `/apps/${seg(appId)}/log-sessions`, {
    body: compact({ dyno: filter.dyno, source: filter.source, lines: filter.lines, tail: filter.tail }),
    schema: logSessionSchema(),
    // A session reads; a second one costs nothing but a rate-limit token.
    idempotent: true,
  });
  return readLogStream(session.logplex_url, {
    idleMs: herokuSettings().requestTimeoutMs,
    onLine: (raw) => {
      const entry = parseLogLine(raw);
      return entry !== undefined && onEntry(entry, raw);
    },
  });
}

/**
 * Teaches the client's redactor the app's config values: a process may print
 * its DATABASE_URL or a key, and its lines go to progress logs and state.
 */
export async function learnSecrets(api: HerokuClient, appId: string): Promise<void> {
  await api.find(`/apps/${seg(appId)}/config-vars`, configVarsSchema(), { secretResponse: true });
}

/** Follows the dyno's log until Heroku logs its end, reconnecting as often as needed. */
export async function watchDyno(api: HerokuClient, request: RunRequest, dyno: WatchedDyno): Promise<RunOutcome> {
  const seen = new Set<string>();
  const tail: string[] = [];
  let exitStatus: number | undefined;
  let finalState: string | undefined;
  const onEntry = (entry: LogEntry, raw: string): boolean => {
    if (entry.dyno !== dyno.name || seen.has(raw) || beforeStart(dyno, entry)) return finalState !== undefined;
    seen.add(raw);
    if (entry.source === "app") {
      tail.push(api.redact(entry.message).slice(0, TAIL_LINE_CHARS));
      if (tail.length > TAIL_LINES) tail.shift();
      api.log.info(`${dyno.name}: ${entry.message}`);
    } else if (entry.source === "heroku") {
      exitStatus = exitStatusOf(entry) ?? exitStatus;
      finalState = finalStateOf(entry) ?? finalState;
      // Heroku's own words about the dyno (R15, SIGKILL) explain an end; its routine lines do not.
      if (!isRoutine(entry)) {
        tail.push(`heroku: ${api.redact(entry.message).slice(0, TAIL_LINE_CHARS)}`);
        if (tail.length > TAIL_LINES) tail.shift();
      }
      api.log.info(`${dyno.name} (heroku): ${entry.message}`);
    }
    return finalState !== undefined;
  };

  const deadline = Date.now() + waitTimeout(request.timeToLiveSeconds * 1000 + END_GRACE_MS);
  for (let reconnects = 0; ; reconnects++) {
    const end = await readSession(api, request.appId, { dyno: dyno.name, lines: HISTORY_LINES, tail: true }, onEntry);
    if (finalState !== undefined) break;
    const live = await api.find(`/apps/${seg(request.appId)}/dynos/${seg(dyno.id ?? dyno.name)}`, dynoSchema());
    if (live === undefined) {
      // Gone: the lines about its end may have been logged after the stream broke.
      await readHistory(api, request.appId, dyno.name, onEntry);
      break;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${dyno.name} is still ${live.state} ${Math.round(request.timeToLiveSeconds / 60)} min after its time to live; ` +
          `check it with \`heroku ps -a ${request.appLabel}\` and \`heroku logs -a ${request.appLabel} --dyno ${dyno.name}\`.`,
      );
    }
    api.log.info(`${dyno.name} is ${live.state}; ${describeEnd(end)}, reading its log again`);
    await sleep(Math.min(pollInterval(RELEASE_POLL_MS), 1000 * 2 ** Math.min(reconnects, 4)));
  }
  return { dyno, exitStatus, finalState: finalState ?? "gone", tail };
}

/** One read of the dyno's history (no tail); retried when the session cannot be read. */
async function readHistory(api: HerokuClient, appId: string, dynoName: string, onEntry: (entry: LogEntry, raw: string) => boolean): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    const end = await readSession(api, appId, { dyno: dynoName, lines: HISTORY_LINES, tail: false }, onEntry);
    if (end.kind === "closed" || end.kind === "stopped") return;
    api.log.info(`reading the log of ${dynoName} again: ${describeEnd(end)}`);
    await sleep(pollInterval(RELEASE_POLL_MS));
  }
}

/** Lines Heroku logs for every run: the start, state changes and the exit (reported apart). */
function isRoutine(entry: LogEntry): boolean {
  return startedCommandOf(entry) !== undefined || exitStatusOf(entry) !== undefined || /^State changed from /.test(entry.message);
}

function describeEnd(end: StreamEnd): string {
  switch (end.kind) {
    case "closed":
      return "the log stream closed";
    case "idle":
      return "the log stream went quiet";
    case "failed":
      return `the log stream broke (${end.detail})`;
    case "stopped":
      return "the log stream was stopped";
  }
}

/**
 * Finds how an earlier run of the dyno ended, for a run whose watch was
 * interrupted: still running → watched to its end; gone → its end read from
 * the log; undefined when the log no longer says (the history holds the last
 * 1,500 lines).
 */
export async function resumeRun(api: HerokuClient, request: RunRequest, dyno: WatchedDyno): Promise<RunOutcome | undefined> {
  const live = await api.find(`/apps/${seg(request.appId)}/dynos/${seg(dyno.id ?? dyno.name)}`, dynoSchema());
  if (live !== undefined && live.command === request.command) return watchDyno(api, request, { ...dyno, startedAt: dyno.startedAt ?? fromBody(live).startedAt });
  const tail: string[] = [];
  let exitStatus: number | undefined;
  let finalState: string | undefined;
  await readHistory(api, request.appId, dyno.name, (entry) => {
    if (entry.dyno !== dyno.name || beforeStart(dyno, entry)) return false;
    if (entry.source === "app") tail.push(api.redact(entry.message).slice(0, TAIL_LINE_CHARS));
    else if (entry.source === "heroku" && !isRoutine(entry)) tail.push(`heroku: ${api.redact(entry.message).slice(0, TAIL_LINE_CHARS)}`);
    exitStatus = exitStatusOf(entry) ?? exitStatus;
    finalState = finalStateOf(entry) ?? finalState;
    return false;
  });
  if (exitStatus === undefined || finalState === undefined) return undefined;
  return { dyno, exitStatus, finalState, tail: tail.slice(-TAIL_LINES) };
}
