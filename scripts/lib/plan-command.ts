/**
 * What `npm run plan` does, as a function of its arguments: reads the stack
 * files, checks the configuration (and, given the stack's outputs, the changes
 * since the last deployment), runs the program under the mock runtime and
 * writes the plan — or every problem — to the given streams. Returns the exit
 * status: 0 planned, 1 configuration problems, 2 bad arguments.
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildEnvironment } from "../../stacks/environment";
import { checkAgainstLastDeployment, DEPLOYMENT_RECORD_OUTPUT } from "../../stacks/last-deployment";
import type { EnvironmentModel } from "../../stacks/environment-model";
import { formatProblems, missingSecrets, realProblems, type Problem } from "../../stacks/problems";
import { PIPELINES_OUTPUT } from "../../stacks/promotion";
import { APP_SPECS } from "../../stacks/specs";
import { runMocked } from "./mock-run";
import { buildPlan, rejectedPlan, renderPlan } from "./plan-report";
import { availableStacks, placeholderFor, readStackFiles, StackFileError } from "./stack-files";

const REPO = path.resolve(__dirname, "..", "..");

export const HELP = `Usage: npm run plan -- --stack <stack> [--json] [--dir <path>] [--outputs <file>]

Evaluates the fleet program offline for a stack (Pulumi.<stack>.yaml) and prints
what \`pulumi up\` would manage: resources per app, config-var names and their
sources (never secret values), secrets still to set, connection budgets and a
monthly cost estimate. Needs no Pulumi CLI, no credentials and no network.

Options:
  --stack <name>    the stack to plan (${availableStacks(REPO).join(", ")})
  --json            print one JSON object: the plan, or the problems (structure in README.md)
  --dir <path>      folder holding Pulumi.yaml and the stack files (default: this repository)
  --outputs <file>  the stack's outputs (\`pulumi stack output --json --stack <name> > file\`), to
                    check rotation generations and data-store owners against the last deployment
  --help            show this help

Exit status: 0 when the stack is valid (secrets not yet set are listed, not
fatal), 1 when the stack configuration has problems, 2 on bad arguments.`;

/** What the plan cannot see offline unless it is given the stack's outputs. */
const NEEDS_OUTPUTS =
  "rotation generations, data-store owners, Postgres plan families and the Heroku region against the last `pulumi up` (pulumi preview and up check them; pass --outputs with `pulumi stack output --json` to check them here)";

/**
 * Offline, the stack this one promotes to cannot be read: the plan shows each
 * app coupled to a stand-in of that stack's pipeline, and says so.
 */
function promotionStandIn(model: EnvironmentModel): { stacks: Record<string, Record<string, unknown>>; note: string } | undefined {
  const fromStack = model.promoteTo;
  const members = model.apps.filter((a) => a.pipeline?.kind === "member");
  if (fromStack === undefined || members.length === 0) return undefined;
  const pipelines = Object.fromEntries(members.map((a) => [a.name, { id: `(pipeline of stack ${fromStack})`, name: `(pipeline of stack ${fromStack})` }]));
  return {
    stacks: { [fromStack]: { [PIPELINES_OUTPUT]: pipelines } },
    note:
      `pipelines: each app's coupling to the pipeline stack ${fromStack} owns is shown as if ${fromStack} had published it; ` +
      `pulumi preview reads ${fromStack}'s '${PIPELINES_OUTPUT}' output (an app it has no pipeline for yet joins none, with a warning)`,
  };
}

class ArgumentError extends Error {}

/** Adds placeholder values for secrets the stack does not set yet, so the plan can show everything else. */
export function withPlaceholders(config: Record<string, string>, secretKeys: string[], missing: readonly Problem[]): void {
  for (const p of missing) {
    const { key, path: at } = p.missingSecret!;
    if (at === undefined) config[key] = placeholderFor(key);
    else config[key] = JSON.stringify({ ...(config[key] ? (JSON.parse(config[key]) as object) : {}), [at]: placeholderFor(key) });
    if (!secretKeys.includes(key)) secretKeys.push(key);
  }
}

function projectRoot(dir: string | undefined): string {
  const root = path.resolve(dir ?? REPO);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new ArgumentError(`--dir ${dir}: no such folder`);
  if (!fs.existsSync(path.join(root, "Pulumi.yaml"))) throw new ArgumentError(`--dir ${dir}: no Pulumi.yaml there (it should be the folder of the fleet project)`);
  return root;
}

/** The record of the last deployment in a `pulumi stack output --json` file. */
function lastDeploymentFrom(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new ArgumentError(`--outputs ${file}: cannot read that file`);
  }
  let outputs: unknown;
  try {
    outputs = JSON.parse(text);
  } catch {
    throw new ArgumentError(`--outputs ${file}: not JSON; write it with \`pulumi stack output --json --stack <stack> > ${file}\``);
  }
  if (typeof outputs !== "object" || outputs === null || Array.isArray(outputs)) {
    throw new ArgumentError(`--outputs ${file}: not the JSON object \`pulumi stack output --json\` prints`);
  }
  return outputs as Record<string, unknown>;
}

/** Where the plan writes: the process's streams, or a test's buffers. */
export interface PlanIo {
  readonly stdout: (text: string) => Promise<void>;
  readonly stderr: (text: string) => void;
  /** Loads the program module for the mock run. */
  readonly loadProgram: () => unknown;
}

interface Output {
  readonly io: PlanIo;
  readonly json: boolean;
  readonly stack: string | null;
}

async function reject(out: Output, problems: readonly Problem[]): Promise<number> {
  if (out.json) await out.io.stdout(`${JSON.stringify(rejectedPlan(out.stack, problems), null, 2)}\n`);
  else out.io.stderr(`${formatProblems(out.stack ?? "", problems)}\n`);
  return 1;
}

async function fail(out: Output, message: string, code: number): Promise<number> {
  if (out.json) await out.io.stdout(`${JSON.stringify(rejectedPlan(out.stack, [], message), null, 2)}\n`);
  else out.io.stderr(`plan: ${message}\n`);
  return code;
}

export async function runPlan(argv: readonly string[], io: PlanIo): Promise<number> {
  const wantsJson = argv.includes("--json");
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: { stack: { type: "string" }, json: { type: "boolean" }, dir: { type: "string" }, outputs: { type: "string" }, help: { type: "boolean" } },
      strict: true,
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (wantsJson) return fail({ io, json: true, stack: null }, message, 2);
    io.stderr(`plan: ${message}\n\n${HELP}\n`);
    return 2;
  }
  if (args.values.help) {
    await io.stdout(`${HELP}\n`);
    return 0;
  }
  const out: Output = { io, json: args.values.json ?? false, stack: args.values.stack ?? null };
  let files;
  let lastOutputs: Record<string, unknown> | undefined;
  try {
    const root = projectRoot(args.values.dir);
    if (!out.stack) throw new ArgumentError(`--stack is required (one of ${availableStacks(root).join(", ")})`);
    if (args.values.outputs !== undefined) lastOutputs = lastDeploymentFrom(args.values.outputs);
    files = readStackFiles(root, out.stack);
  } catch (e) {
    if (e instanceof ArgumentError || (e instanceof StackFileError && e.kind === "argument")) return fail(out, e.message, 2);
    if (e instanceof StackFileError) return fail(out, e.message, 1);
    throw e;
  }
  const stack = out.stack!;

  const first = buildEnvironment({ stack, specs: APP_SPECS, raw: { values: files.config, secretKeys: new Set(files.secretKeys) } });
  const missing = first.ok ? [] : missingSecrets(first.problems);
  if (!first.ok && realProblems(first.problems).length > 0) return reject(out, first.problems);
  withPlaceholders(files.config, files.secretKeys, missing);
  const second = buildEnvironment({ stack, specs: APP_SPECS, raw: { values: files.config, secretKeys: new Set(files.secretKeys) } });
  if (!second.ok) return reject(out, [...second.problems, ...missing]);
  if (lastOutputs) {
    const destructive = checkAgainstLastDeployment(second.model, lastOutputs[DEPLOYMENT_RECORD_OUTPUT]);
    if (destructive.length > 0) return reject(out, [...destructive, ...missing]);
  }

  const standIn = promotionStandIn(second.model);
  const started = process.hrtime.bigint();
  const run = await runMocked({
    stack,
    config: files.config,
    secretKeys: files.secretKeys,
    preview: true,
    ...(lastOutputs ? { stackOutputs: lastOutputs } : {}),
    ...(standIn ? { referencedStacks: standIn.stacks } : {}),
    load: io.loadProgram,
  });
  const programMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.error) return fail(out, `the program failed: ${run.error.message}`, 1);
  const notChecked = [...(lastOutputs ? [] : [NEEDS_OUTPUTS]), ...(standIn ? [standIn.note] : [])];
  const plan = buildPlan(second.model, run.resources, missing, programMs, notChecked);
  await io.stdout(`${out.json ? JSON.stringify(plan, null, 2) : renderPlan(plan)}\n`);
  return 0;
}
