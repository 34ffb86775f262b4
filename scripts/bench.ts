/**
 * `npm run bench`: figures that hold on a noisy machine — counts, and times
 * as ratios to a baseline measured in the same run.
 *
 * 1. Heroku API calls through the providers against the local API double:
 *    creating one full app from nothing, a no-op refresh of it, and retries
 *    and duplicates under a 20% mix of 429/5xx/dropped connections.
 * 2. Program start: wall time of `npm run plan` per stack (median of N runs)
 *    as a multiple of loading the Pulumi SDK alone under the same loader.
 * 3. State: resources per stack and the bytes of their inputs as the engine
 *    receives them (what a deployment stores, outputs being of the same size).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { parseArgs } from "node:util";
import { measureHerokuProviders } from "../test/heroku/scenario";
import { buildEnvironment } from "../stacks/environment";
import { missingSecrets } from "../stacks/problems";
import { APP_SPECS } from "../stacks/specs";
import { runMocked } from "./lib/mock-run";
import { promotionStandIn, withPlaceholders } from "./lib/plan-command";
import { readStackFiles } from "./lib/stack-files";

const ROOT = path.resolve(__dirname, "..");
const HELP = `Usage: npm run bench [-- --runs N] [--only heroku|program]

Prints Heroku API call counts of the providers (against the local API double),
the program's start time as a ratio to loading the Pulumi SDK, and the size of
each stack's state (resources, bytes of their inputs).
  --runs N      runs per timing (median is reported; default 5)
  --only X      run one part: heroku, program or state`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function wallMs(args: string[]): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`${args.join(" ")} failed: ${run.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function heroku(): Promise<void> {
  const m = await measureHerokuProviders();
  console.log("Heroku providers against the local API double");
  console.log(`  create one full app from nothing: ${m.createCalls} API calls (+${m.createBlobCalls} source upload)`);
  console.log(`  no-op refresh of it:              ${m.refreshCalls} API calls`);
  console.log(
    `  20% fault mix: ${m.faults.injected} faults injected, ${m.faults.retries} retries, ${m.faults.duplicates} duplicate objects, end state ${m.faults.sameEndState ? "identical" : "DIFFERENT"}`,
  );
}

function program(runs: number): void {
  const sdk = median(Array.from({ length: runs }, () => wallMs(["--import", "tsx", "-e", 'require("@pulumi/pulumi")'])));
  console.log(`Program start (median of ${runs}; baseline: loading @pulumi/pulumi under tsx = ${sdk.toFixed(0)} ms)`);
  for (const stack of ["staging", "production"]) {
    const plan = median(Array.from({ length: runs }, () => wallMs(["--import", "tsx", "scripts/plan.ts", "--stack", stack, "--json"])));
    console.log(`  plan --stack ${stack}: ${plan.toFixed(0)} ms = ${(plan / sdk).toFixed(1)}× the SDK load`);
  }
}

/** The program module with fresh module state (one run per stack in this process). */
function loadProgramAfresh(): unknown {
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(ROOT) && !key.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[key];
  }
  return require("../stacks/index.ts") as unknown;
}

/**
 * The stack's settings with a placeholder for every secret not set, and the
 * pipelines of the stack it promotes to stood in for, as the offline plan runs them.
 */
function withStandIns(stack: string): { config: Record<string, string>; secretKeys: string[]; referencedStacks?: Record<string, Record<string, unknown>> } {
  const { config, secretKeys } = readStackFiles(ROOT, stack);
  const first = buildEnvironment({ stack, specs: APP_SPECS, raw: { values: config, secretKeys: new Set(secretKeys) } });
  if (!first.ok) withPlaceholders(config, secretKeys, missingSecrets(first.problems));
  const built = buildEnvironment({ stack, specs: APP_SPECS, raw: { values: config, secretKeys: new Set(secretKeys) } });
  const standIn = built.ok ? promotionStandIn(built.model) : undefined;
  return { config, secretKeys, ...(standIn ? { referencedStacks: standIn.stacks } : {}) };
}

async function state(): Promise<void> {
  console.log("State per stack (inputs as the engine receives them; secrets unwrapped, provider stubs included)");
  for (const stack of ["staging", "production"]) {
    const { config, secretKeys, referencedStacks } = withStandIns(stack);
    const run = await runMocked({ stack, config, secretKeys, preview: true, load: loadProgramAfresh, ...(referencedStacks ? { referencedStacks } : {}) });
    if (run.error) throw new Error(`${stack}: ${run.error.message}`);
    const bytes = run.resources.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify({ type: r.type, name: r.name, inputs: r.inputs })), 0);
    console.log(`  ${stack}: ${run.resources.length} resources, ${bytes} bytes of inputs (${Math.round(bytes / run.resources.length)} per resource)`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: "string" }, only: { type: "string" }, help: { type: "boolean" } } });
  if (values.help) return console.log(HELP);
  const runs = Number(values.runs ?? 5);
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs takes a whole number of at least 1");
  if (values.only === undefined || values.only === "heroku") await heroku();
  if (values.only === undefined || values.only === "program") program(runs);
  if (values.only === undefined || values.only === "state") await state();
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
