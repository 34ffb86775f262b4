/**
 * Dynamic provider of a command run once in a one-off dyno, keyed by
 * (command, trigger).
 *
 * - create runs the command (see one-off-dyno.ts for how its end is
 *   observed) and returns its exit status and the tail of its output; a
 *   status other than 0 fails the step with both, and the run is recorded as
 *   not succeeded.
 * - The same command and trigger never run again: no diff. A new trigger (or
 *   command, or app) is a replacement, which runs it again. A run that did
 *   not succeed shows as a change and runs again at the next `pulumi up`;
 *   one whose watch was interrupted is first looked up (still running:
 *   followed; ended: its status read from the log) before anything starts.
 * - Other inputs (size, time to live) only apply to a future run: recorded.
 * - read returns the run as recorded: it is history, nothing on Heroku
 *   changes it. delete has nothing to undo.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { herokuClient, seg, type HerokuClient } from "../client";
import { checkInputs, compact, failure, parseProps, resolveAppId, resourceInitError, step, unknownDiff } from "../provider-kit";
import { appSchema } from "../schemas";
import { fromBody, learnSecrets, resumeRun, runningDyno, settledRelease, startDyno, watchDyno, type RunOutcome, type RunRequest, type WatchedDyno } from "./one-off-dyno";

/** A one-off dyno is killed after this long unless the input says otherwise. */
export const DEFAULT_TIME_TO_LIVE_SECONDS = 4 * 3600;

const runInputs = () =>
  z.object({
    app: z.string().min(1),
    command: z.string().min(1),
    trigger: z.string().min(1).max(200),
    size: z.string().min(1).optional(),
    timeToLiveSeconds: z.number().int().min(60).max(86_400).optional(),
  });
export type OneOffRunInputs = z.infer<ReturnType<typeof runInputs>>;

const runOutputs = () =>
  z.object({
    app: z.string(),
    appId: z.string(),
    /** The app's name when the run started (for messages and commands). */
    appName: z.string(),
    command: z.string(),
    trigger: z.string(),
    size: z.string().optional(),
    timeToLiveSeconds: z.number().optional(),
    dynoName: z.string(),
    dynoId: z.string().optional(),
    releaseVersion: z.number().optional(),
    /** When Heroku started the dyno (ISO 8601, to the second): its log lines from before are another dyno's of the same name. */
    startedAt: z.string().optional(),
    /** null: the run's end is not known (its watch was interrupted, or Heroku logged none). */
    exitStatus: z.number().nullable(),
    finalState: z.string(),
    outputTail: z.array(z.string()),
  });
export type OneOffRunOutputs = z.infer<ReturnType<typeof runOutputs>>;

export const oneOffRunProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: unknown) {
    return checkInputs(runInputs(), news, (inputs) =>
      /[\r\n]/.test(inputs.command) ? [failure("command", "must be one line: Heroku runs it as a shell command line.")] : [],
    );
  },

  async diff(_id: string, oldOutputs: unknown, newInputs: unknown) {
    const pending = unknownDiff(newInputs, ["app", "command", "trigger"]);
    if (pending) return { ...pending, deleteBeforeReplace: false };
    const olds = parseProps("OneOffRun", runOutputs(), oldOutputs);
    const news = parseProps("OneOffRun", runInputs(), newInputs);
    const replaces: string[] = [];
    if (news.app !== olds.app && news.app !== olds.appId) replaces.push("app");
    if (news.command !== olds.command) replaces.push("command");
    if (news.trigger !== olds.trigger) replaces.push("trigger");
    // A run that did not succeed is not done: the next `up` runs it again.
    const unfinished = olds.exitStatus !== 0;
    const recorded = news.size !== olds.size || news.timeToLiveSeconds !== olds.timeToLiveSeconds;
    return { changes: replaces.length > 0 || unfinished || recorded, replaces, deleteBeforeReplace: false };
  },

  async create(rawInputs: unknown) {
    const inputs = parseProps("OneOffRun", runInputs(), rawInputs);
    const api = herokuClient();
    return step(describe(inputs), async () => {
      const appId = await resolveAppId(api, inputs.app);
      const outs = await runOnce(api, inputs, appId, undefined);
      return { id: outs.dynoId ?? `${appId}:${outs.dynoName}`, outs: succeededOrThrow(outs) };
    });
  },

  async read(id: string, props: unknown) {
    // A finished run is history: nothing on Heroku can change it.
    return { id, props: parseProps("OneOffRun", runOutputs(), props) };
  },

  async update(id: string, oldOutputs: unknown, newInputs: unknown) {
    const olds = parseProps("OneOffRun", runOutputs(), oldOutputs);
    const news = parseProps("OneOffRun", runInputs(), newInputs);
    if (olds.exitStatus === 0) {
      return { outs: compact({ ...olds, app: news.app, size: news.size, timeToLiveSeconds: news.timeToLiveSeconds }) };
    }
    const api = herokuClient();
    return step(`${describe(news)}, again: the last run ${olds.exitStatus === null ? "has no known end" : `exited with status ${olds.exitStatus}`}`, async () => {
      const interrupted =
        olds.exitStatus === null
          ? { name: olds.dynoName, id: olds.dynoId, releaseVersion: olds.releaseVersion, startedAt: olds.startedAt === undefined ? undefined : Date.parse(olds.startedAt) }
          : undefined;
      const outs = await runOnce(api, news, olds.appId, interrupted, id);
      return { outs: succeededOrThrow(outs, id) };
    });
  },

  async delete() {
    // A command that ran cannot be undone, and Heroku keeps no object for it.
  },
};

function describe(inputs: OneOffRunInputs): string {
  return `Running \`${inputs.command}\` once in a one-off dyno of app ${inputs.app} (trigger ${inputs.trigger})`;
}

/**
 * Runs the command (or finds how an interrupted earlier run ended) and
 * returns the run. A failure after the dyno started is a created-but-failed
 * error carrying the dyno, so the next `up` resumes it instead of starting
 * another.
 */
async function runOnce(api: HerokuClient, inputs: OneOffRunInputs, appId: string, interrupted: WatchedDyno | undefined, knownId?: string): Promise<OneOffRunOutputs> {
  const appName = (await api.get(`/apps/${seg(appId)}`, appSchema())).name;
  await learnSecrets(api, appId);
  const request: RunRequest = {
    appId,
    appLabel: appName,
    command: inputs.command,
    size: inputs.size,
    timeToLiveSeconds: inputs.timeToLiveSeconds ?? DEFAULT_TIME_TO_LIVE_SECONDS,
  };
  if (interrupted) {
    const resumed = await resumeRun(api, request, interrupted);
    if (resumed) {
      api.log.info(`${interrupted.name}, the run an earlier \`pulumi up\` lost track of, ended with status ${resumed.exitStatus}`);
      return outputs(inputs, appId, appName, resumed);
    }
  }
  const releaseVersion = await settledRelease(api, appId, appName);
  const running = await runningDyno(api, appId, inputs.command);
  let dyno: WatchedDyno;
  if (running) {
    api.log.info(`\`${inputs.command}\` is already running as ${running.name} (since ${running.created_at}); following it instead of starting another`);
    dyno = fromBody(running);
  } else {
    dyno = await startDyno(api, request);
    api.log.info(`started ${dyno.name} on release v${dyno.releaseVersion ?? releaseVersion} of app ${appName}: \`${inputs.command}\``);
  }
  try {
    return outputs(inputs, appId, appName, await watchDyno(api, request, dyno));
  } catch (error) {
    const unknownEnd = outputs(inputs, appId, appName, { dyno, exitStatus: undefined, finalState: "unknown", tail: [] });
    throw resourceInitError(knownId ?? dyno.id ?? `${appId}:${dyno.name}`, unknownEnd, `${dyno.name} was started, but its end could not be followed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function outputs(inputs: OneOffRunInputs, appId: string, appName: string, outcome: RunOutcome): OneOffRunOutputs {
  return compact({
    app: inputs.app,
    appId,
    appName,
    command: inputs.command,
    trigger: inputs.trigger,
    size: inputs.size,
    timeToLiveSeconds: inputs.timeToLiveSeconds,
    dynoName: outcome.dyno.name,
    dynoId: outcome.dyno.id,
    releaseVersion: outcome.dyno.releaseVersion,
    startedAt: outcome.dyno.startedAt === undefined ? undefined : new Date(outcome.dyno.startedAt).toISOString(),
    exitStatus: outcome.exitStatus ?? null,
    finalState: outcome.finalState,
    outputTail: [...outcome.tail],
  });
}

/** The run's outputs when it exited 0; otherwise a created-but-failed error with its status and output. */
function succeededOrThrow(outs: OneOffRunOutputs, id?: string): OneOffRunOutputs {
  if (outs.exitStatus === 0) return outs;
  const tail = outs.outputTail.length > 0 ? `Output (last ${outs.outputTail.length} lines):\n  ${outs.outputTail.join("\n  ")}\n` : "It printed nothing. ";
  const how =
    outs.exitStatus !== null
      ? `exited with status ${outs.exitStatus}`
      : outs.finalState === "gone"
        ? "ended, but Heroku logged neither its exit status nor its end (the log may have lost them)"
        : `ended in state ${outs.finalState} without an exit status`;
  const where = `${outs.dynoName}${outs.releaseVersion !== undefined ? `, release v${outs.releaseVersion}` : ""}`;
  throw resourceInitError(
    id ?? outs.dynoId ?? `${outs.appId}:${outs.dynoName}`,
    outs,
    `\`${outs.command}\` ${how} (${where}). ${tail}` +
      `The run is recorded as not succeeded: the next \`pulumi up\` runs it again for trigger ${outs.trigger}. ` +
      `Its whole log: \`heroku logs -a ${outs.appName} --dyno ${outs.dynoName}\`.`,
  );
}
