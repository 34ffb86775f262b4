/**
 * One-off dynos and the app's log, as Heroku shows them.
 *
 * `POST /apps/{app}/dynos` starts a dyno on the app's current release
 * (`starting`, then `up`). What its process does comes from a script a test
 * queued (`control.scriptDyno`): lines it prints, then an exit status. The
 * dyno's life is visible only the way Heroku makes it visible:
 * - `GET /apps/{app}/dynos/{id|name}` while it runs; once its process has
 *   ended the dyno is gone (404), and no API field ever carries an exit status;
 * - the app's log (Logplex keeps the last 1,500 lines): `heroku[run.N]:
 *   Starting process with command …`, `State changed from starting to up`,
 *   the process's own lines as `app[run.N]: …`, then `Process exited with
 *   status N` and `State changed from up to complete`.
 *
 * `POST /apps/{app}/log-sessions` (`dyno`, `source`, `lines`, `tail`) hands
 * out a `logplex_url` on the blob host that serves one GET: the last `lines`
 * matching lines as text/plain, then — with `tail` — every new one as it is
 * logged, until the client hangs up (Logplex never ends a tail by itself). A
 * session not fetched in time, or fetched twice, answers 404.
 */
import { invalidParams, notFound } from "../errors";
import { objectBody, optionalBoolean, optionalString, optionalStringMap } from "../http/body";
import { paginate } from "../http/range";
import { json, type Reply, type Router, type StreamSink } from "../http/router";
import { LOG_HISTORY, type AppRecord, type Delay, type DynoRecord, type DynoScript, type LogLine, type LogSessionRecord, type World } from "../state";
import { canonicalSize } from "./formation";
import { appRef } from "./shared";

const MAX_TIME_TO_LIVE = 86_400;
/** Lines a log session shows from history when the request does not say (`heroku logs` shows 100). */
const DEFAULT_SESSION_LINES = 100;
/** How often an open tail looks for transitions that are due (dynos printing, ending). */
const TAIL_TICK_MS = 2;

export interface StartDynoInput {
  readonly command: string;
  readonly attach: boolean;
  readonly size: string | undefined;
  readonly type: string | undefined;
  readonly timeToLive: number | undefined;
  readonly env: Readonly<Record<string, string>>;
}

export function startDyno(world: World, app: AppRecord, input: StartDynoInput): DynoRecord {
  if (input.command.trim() === "") throw invalidParams("Missing required params: command.");
  const release = world.currentRelease(app.id);
  if (!release || !world.currentSlug(app.id)) {
    throw invalidParams("This app has no release with a slug to run; deploy code before running a process.");
  }
  if (input.timeToLive !== undefined && (input.timeToLive < 1 || input.timeToLive > MAX_TIME_TO_LIVE)) {
    throw invalidParams(`Invalid time_to_live provided: must be between 1 and ${MAX_TIME_TO_LIVE} seconds.`);
  }
  const type = input.type ?? "run";
  if (!/^[-\w]{1,128}$/.test(type)) throw invalidParams(`Invalid type provided: ${type} is not a process type.`);
  const taken = new Set([...world.dynos.values()].filter((d) => d.appId === app.id).map((d) => d.name));
  const planned = world.planned.dynoNames[0];
  let name: string;
  if (planned !== undefined && !taken.has(planned)) {
    world.planned.dynoNames.shift();
    name = planned;
  } else {
    do name = `${type}.${1000 + world.ids.int(9000)}`;
    while (taken.has(name));
  }
  const now = world.now();
  const dyno: DynoRecord = {
    id: world.uuid(),
    appId: app.id,
    name,
    type,
    command: input.command,
    size: canonicalSize(input.size ?? world.settings.defaultDynoSize),
    attach: input.attach,
    env: { ...input.env },
    timeToLive: input.timeToLive ?? MAX_TIME_TO_LIVE,
    release: { id: release.id, version: release.version },
    state: "starting",
    createdAt: now,
    updatedAt: now,
  };
  world.dynos.set(dyno.id, dyno);
  const heroku = (message: string): void => void world.appendLog(app.id, { source: "heroku", dyno: name, message });
  heroku(`Starting process with command \`${dyno.command}\` by user ${world.account.email}`);
  run(world, app, dyno, takeScript(world, app, dyno), heroku);
  return dyno;
}

function takeScript(world: World, app: AppRecord, dyno: DynoRecord): DynoScript {
  const scripts = world.planned.dynoScripts;
  const index = scripts.findIndex(
    (s) =>
      (s.app === undefined || s.app === app.name || s.app === app.id) &&
      (s.command === undefined || (typeof s.command === "string" ? s.command === dyno.command : s.command.test(dyno.command))),
  );
  return index < 0 ? {} : (scripts.splice(index, 1)[0] ?? {});
}

/** Schedules the dyno's life: boot, each line, the end (after a hold, if its script asks for one). */
function run(world: World, app: AppRecord, dyno: DynoRecord, script: DynoScript, heroku: (message: string) => void): void {
  const key = dyno.id;
  const label = `one-off dyno ${dyno.name} of ${app.name}`;
  const interval = script.lineIntervalMs ?? world.timing.dynoLine.ms ?? 0;
  const alive = (): boolean => world.dynos.has(dyno.id);
  const boot = world.timing.dynoBoot;
  world.schedule(boot, key, `${label} boots`, () => {
    if (!alive()) return;
    dyno.state = "up";
    dyno.updatedAt = world.now();
    heroku("State changed from starting to up");
  });
  const output = script.output ?? [];
  const held = script.holdAfterLines === undefined ? undefined : Math.min(script.holdAfterLines, output.length);
  /** Prints `lines` one every `interval` from `start`, then ends (or, with `then`, hands over). */
  const live = (start: Delay, lines: readonly string[], then?: () => void): void => {
    lines.forEach((line, index) => {
      world.schedule({ ...start, ms: (start.ms ?? 0) + interval * (index + 1) }, key, `${label} prints`, () => {
        if (alive()) world.appendLog(app.id, { source: "app", dyno: dyno.name, message: line });
      });
    });
    world.schedule({ ...start, ms: (start.ms ?? 0) + interval * (lines.length + 1) }, key, then ? `${label} waits` : `${label} ends`, () => {
      if (!alive()) return;
      if (then) then();
      else end(world, app, dyno, script, heroku);
    });
  };
  if (held === undefined) {
    live(boot, output);
    return;
  }
  const hold = { resume: undefined as (() => void) | undefined, released: false };
  world.dynoHolds.set(dyno.id, hold);
  const rest = (): void => {
    world.dynoHolds.delete(dyno.id);
    live({ ms: 0 }, output.slice(held));
  };
  live(boot, output.slice(0, held), () => {
    if (hold.released) rest();
    else hold.resume = rest;
  });
}

/** The process ends as its script says: an exit status, killed for memory, or gone without a word. */
function end(world: World, app: AppRecord, dyno: DynoRecord, script: DynoScript, heroku: (message: string) => void): void {
  const how = script.end ?? "exit";
  let status: number | null = script.exitStatus ?? 0;
  if (how === "memory") {
    heroku(`Process running mem=1054M(205.9%)`);
    heroku("Error R15 (Memory quota vastly exceeded)");
    heroku("Stopping process with SIGKILL");
    status = 137;
  }
  if (how === "vanish") {
    status = null;
  } else {
    heroku(`Process exited with status ${status}`);
    heroku("State changed from up to complete");
  }
  world.dynos.delete(dyno.id);
  world.endedDynos.push({ dyno: { ...dyno }, exitStatus: status, endedAt: world.now() });
}

/** Lets every held dyno go on (one not yet waiting goes on when it gets there). */
export function releaseHeldDynos(world: World): void {
  for (const hold of world.dynoHolds.values()) {
    hold.released = true;
    const resume = hold.resume;
    hold.resume = undefined;
    resume?.();
  }
}

export function findDyno(world: World, app: AppRecord, idOrName: string): DynoRecord {
  const dyno = [...world.dynos.values()].find((d) => d.appId === app.id && (d.id === idOrName || d.name === idOrName));
  if (!dyno) throw notFound("Couldn't find that process.");
  return dyno;
}

export function renderDyno(world: World, dyno: DynoRecord): Record<string, unknown> {
  const app = world.apps.get(dyno.appId);
  return {
    app: app ? appRef(app) : { id: dyno.appId },
    attach_url: dyno.attach ? `rendezvous://rendezvous.runtime.heroku.com:5000/${dyno.id.replace(/-/g, "")}` : null,
    command: dyno.command,
    created_at: dyno.createdAt,
    id: dyno.id,
    name: dyno.name,
    release: { id: dyno.release.id, version: dyno.release.version },
    size: dyno.size,
    state: dyno.state,
    type: dyno.type,
    updated_at: dyno.updatedAt,
  };
}

export function createLogSession(
  world: World,
  app: AppRecord,
  input: { dyno?: string | undefined; source?: string | undefined; lines?: number | undefined; tail?: boolean | undefined },
): LogSessionRecord {
  if (input.lines !== undefined && input.lines < 0) throw invalidParams("Invalid lines provided: must not be negative.");
  const expiry = world.timing.logSessionExpiry.ms ?? 60_000;
  const session: LogSessionRecord = {
    id: world.uuid(),
    appId: app.id,
    dyno: input.dyno ?? null,
    source: input.source ?? null,
    lines: Math.min(input.lines ?? DEFAULT_SESSION_LINES, LOG_HISTORY),
    tail: input.tail ?? false,
    used: false,
    expiresAt: Date.now() + expiry,
    createdAt: world.now(),
  };
  world.logSessions.set(session.id, session);
  return session;
}

function renderLogSession(world: World, session: LogSessionRecord): Record<string, unknown> {
  return {
    created_at: session.createdAt,
    id: session.id,
    logplex_url: `${world.urls.blob}/sessions/${session.id}?srv=${Math.floor(Date.parse(session.createdAt) / 1000)}`,
    updated_at: session.createdAt,
  };
}

/** `web.1` matches only `web.1`; a process type (`web`) matches all its dynos, as Logplex filters. */
function matches(session: LogSessionRecord, line: LogLine): boolean {
  if (session.source !== null && line.source !== session.source) return false;
  if (session.dyno === null) return true;
  return session.dyno.includes(".") ? line.dyno === session.dyno : line.dyno.split(".")[0] === session.dyno;
}

export function formatLogLine(line: LogLine): string {
  return `${line.at} ${line.source}[${line.dyno}]: ${line.message}\n`;
}

/** Writes a session's history, then (tail) its new lines; cuts the stream where a test asked. */
function streamSession(world: World, session: LogSessionRecord, sink: StreamSink): void {
  const app = world.apps.get(session.appId);
  const cutIndex = world.planned.logStreamCuts.findIndex((c) => c.app === undefined || c.app === app?.name || c.app === app?.id);
  const cut = cutIndex < 0 ? undefined : world.planned.logStreamCuts.splice(cutIndex, 1)[0];
  let written = 0;
  let open = true;
  const write = (line: LogLine): void => {
    if (!open) return;
    if (!sink.write(formatLogLine(line))) return;
    written++;
    if (cut && written >= cut.afterLines) {
      open = false;
      sink.destroy();
    }
  };
  if (cut && cut.afterLines === 0) {
    open = false;
    sink.destroy();
    return;
  }
  const history = (world.logs.get(session.appId) ?? []).filter((l) => matches(session, l));
  for (const line of session.lines === 0 ? [] : history.slice(-session.lines)) write(line);
  if (!open) return;
  if (!session.tail) {
    sink.end();
    return;
  }
  const listener = (line: LogLine, appId: string): void => {
    if (appId === session.appId && matches(session, line)) write(line);
  };
  world.logListeners.add(listener);
  // Nothing else moves the double's clock while a client only listens.
  const ticker = setInterval(() => world.advance(), TAIL_TICK_MS);
  sink.onClose(() => {
    open = false;
    clearInterval(ticker);
    world.logListeners.delete(listener);
  });
}

function requiredCommand(body: Readonly<Record<string, unknown>>): string {
  const command = optionalString(body, "command");
  if (command === undefined || command.trim() === "") throw invalidParams("Missing required params: command.");
  return command;
}

function optionalInteger(body: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) throw invalidParams(`Invalid ${key} provided: expected an integer.`);
  return value;
}

export function dynoRoutes(router: Router): void {
  router
    .post("/apps/:app/dynos", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const body = objectBody(ctx);
      const dyno = startDyno(ctx.world, app, {
        command: requiredCommand(body),
        attach: optionalBoolean(body, "attach") ?? false,
        size: optionalString(body, "size"),
        type: optionalString(body, "type"),
        timeToLive: optionalInteger(body, "time_to_live"),
        env: optionalStringMap(body, "env") ?? {},
      });
      return json(201, renderDyno(ctx.world, dyno));
    })
    .get("/apps/:app/dynos", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const dynos = [...ctx.world.dynos.values()].filter((d) => d.appId === app.id);
      return paginate(ctx, ctx.world.settings, dynos, { id: (d) => d.id, name: (d) => d.name }, (d) => renderDyno(ctx.world, d));
    })
    .get("/apps/:app/dynos/:dyno", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      return json(200, renderDyno(ctx.world, findDyno(ctx.world, app, ctx.params["dyno"] ?? "")));
    })
    .post("/apps/:app/log-sessions", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const body = objectBody(ctx);
      const session = createLogSession(ctx.world, app, {
        dyno: optionalString(body, "dyno"),
        source: optionalString(body, "source"),
        lines: optionalInteger(body, "lines"),
        tail: optionalBoolean(body, "tail"),
      });
      return json(201, renderLogSession(ctx.world, session));
    });
}

/** Logplex's side, on the blob host: no API auth, the session id is the credential. */
export function logplexRoutes(router: Router): void {
  router.get("/sessions/:session", (ctx): Reply => {
    const session = ctx.world.logSessions.get(ctx.params["session"] ?? "");
    if (!session || session.used || Date.now() > session.expiresAt) {
      return { status: 404, text: "Session not found or expired\n", contentType: "text/plain" };
    }
    session.used = true;
    return { status: 200, contentType: "text/plain; charset=utf-8", stream: (sink) => streamSession(ctx.world, session, sink) };
  });
}
