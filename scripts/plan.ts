/**
 * `npm run plan -- --stack <stack> [--json]`: evaluates the real fleet program
 * offline (Pulumi's mock runtime, the stack's YAML, no credentials, no
 * network) and prints every resource that would exist, grouped by app, the
 * config vars each app gets and where each comes from (never a secret value),
 * secrets still to set, the connection budgets and a monthly cost estimate.
 */
import "./lib/lean-start";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildEnvironment } from "../stacks/environment";
import { formatProblems, type Problem } from "../stacks/problems";
import { APP_SPECS } from "../stacks/specs";
import { runMocked } from "./lib/mock-run";
import { buildPlan, renderPlan } from "./lib/plan-report";
import { availableStacks, placeholderFor, readStackFiles, StackFileError } from "./lib/stack-files";

const REPO = path.resolve(__dirname, "..");

const HELP = `Usage: npm run plan -- --stack <stack> [--json]

Evaluates the fleet program offline for a stack (Pulumi.<stack>.yaml) and prints
what \`pulumi up\` would manage: resources per app, config-var names and their
sources (never secret values), secrets still to set, connection budgets and a
monthly cost estimate. Needs no Pulumi CLI, no credentials and no network.

Options:
  --stack <name>   the stack to plan (${availableStacks(REPO).join(", ")})
  --json           print the plan as JSON (structure documented in README.md)
  --dir <path>     folder holding Pulumi.yaml and the stack files (default: this repository)
  --help           show this help

Exit status: 0 when the stack is valid (secrets not yet set are listed, not
fatal), 1 when the stack configuration has problems, 2 on bad arguments.`;

/** Adds placeholder values for secrets the stack does not set yet, so the plan can show everything else. */
function withPlaceholders(config: Record<string, string>, secretKeys: string[], missing: readonly Problem[]): void {
  for (const p of missing) {
    const { key, path: at } = p.missingSecret!;
    if (at === undefined) config[key] = placeholderFor(key);
    else config[key] = JSON.stringify({ ...(config[key] ? (JSON.parse(config[key]) as object) : {}), [at]: placeholderFor(key) });
    if (!secretKeys.includes(key)) secretKeys.push(key);
  }
}

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ options: { stack: { type: "string" }, json: { type: "boolean" }, dir: { type: "string" }, help: { type: "boolean" } }, strict: true });
  } catch (e) {
    console.error(`plan: ${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
    return 2;
  }
  if (args.values.help) {
    console.log(HELP);
    return 0;
  }
  const root = path.resolve(args.values.dir ?? REPO);
  const stack = args.values.stack;
  if (!stack) {
    console.error(`plan: --stack is required (one of ${availableStacks(root).join(", ")})`);
    return 2;
  }

  let files;
  try {
    files = readStackFiles(root, stack);
  } catch (e) {
    if (e instanceof StackFileError) {
      console.error(`plan: ${e.message}`);
      return 1;
    }
    throw e;
  }

  const first = buildEnvironment({ stack, specs: APP_SPECS, raw: { values: files.config, secretKeys: new Set(files.secretKeys) } });
  const missing = first.ok ? [] : first.problems.filter((p) => p.missingSecret);
  if (!first.ok && missing.length < first.problems.length) {
    console.error(formatProblems(stack, first.problems));
    return 1;
  }
  withPlaceholders(files.config, files.secretKeys, missing);
  const second = buildEnvironment({ stack, specs: APP_SPECS, raw: { values: files.config, secretKeys: new Set(files.secretKeys) } });
  if (!second.ok) {
    console.error(formatProblems(stack, second.problems));
    return 1;
  }

  const started = process.hrtime.bigint();
  const run = await runMocked({
    stack,
    config: files.config,
    secretKeys: files.secretKeys,
    preview: true,
    load: () => require("../stacks/index.ts") as unknown,
  });
  const programMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.error) {
    console.error(`plan: the program failed: ${run.error.message}`);
    return 1;
  }
  const plan = buildPlan(second.model, run.resources, missing, programMs);
  await writeOut(`${args.values.json ? JSON.stringify(plan, null, 2) : renderPlan(plan)}\n`);
  return 0;
}

/** Writes all of `text` before the process exits (a pipe takes stdout asynchronously). */
function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`plan: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
