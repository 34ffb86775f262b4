/**
 * `npm run bench`: figures that hold on a noisy machine — counts, sizes, and
 * times as ratios to a baseline measured in the same run.
 *
 * 1. Heroku API calls through the providers against the local API double:
 *    creating one full app from nothing, a no-op refresh of it, and retries
 *    and duplicates under a 20% mix of 429/5xx/dropped connections.
 * 2. State: the size of each stack's state as `pulumi stack export` writes
 *    it, and the provider text each Heroku resource stores.
 * 3. Program start: `npm run plan` per stack against the floor — loading the
 *    same four SDKs with the same loader in the same Node — in paired runs
 *    (floor, plan, floor, plan…), median ratio of wall time and of CPU time.
 * 4. The last `npm test`: wall time of each part (from .test-results/suite.json).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { measureHerokuProviders, type HerokuProviderMeasurements } from "../test/heroku/scenario";

const ROOT = path.resolve(__dirname, "..");
const CPU_REPORT = path.join(__dirname, "lib", "cpu-report.cjs");
const SUITE_REPORT = path.join(ROOT, ".test-results", "suite.json");
const STACKS = ["staging", "production"] as const;
const PARTS = ["heroku", "state", "program", "suite"] as const;
type Part = (typeof PARTS)[number];

const HELP = `Usage: npm run bench [-- --runs N] [--only ${PARTS.join("|")}] [--json]

Prints Heroku API call counts of the providers (against the local API double),
each stack's state size, the program's start as a ratio to loading the SDKs it
uses (median of N paired runs, wall and CPU), and the last npm test's times.
  --runs N      paired runs per stack for the program start (default 7)
  --only X      run one part (repeatable)
  --json        print one JSON object instead of text`;

/** Loads what the program loads before it does anything: the floor of its start. */
const FLOOR_SCRIPT = ["@pulumi/pulumi", "@pulumi/cloudflare", "@pulumi/postgresql", "@pulumi/random"].map((m) => `require(${JSON.stringify(m)});`).join("");

interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Runs node with the given arguments under tsx and returns its wall and CPU time. */
function timeNode(args: readonly string[]): Timing & { stdout: string } {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["--require", CPU_REPORT, "--import", "tsx", ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`node ${args.join(" ")} exited ${run.status}: ${run.stderr}`);
  const cpu = /fleet-bench-cpu-us (\d+)/.exec(run.stderr);
  if (!cpu) throw new Error(`node ${args.join(" ")} did not report its CPU time`);
  return { wallMs, cpuMs: Number(cpu[1]) / 1000, stdout: run.stdout };
}

interface ProgramFigures {
  readonly runs: number;
  readonly floor: Timing;
  readonly plan: Timing;
  /** Median over the pairs of plan ÷ floor. */
  readonly ratio: Timing;
}

function program(stack: string, runs: number): ProgramFigures {
  const pairs: { floor: Timing; plan: Timing }[] = [];
  for (let i = 0; i < runs; i++) {
    const floor = timeNode(["-e", FLOOR_SCRIPT]);
    const plan = timeNode(["scripts/plan.ts", "--stack", stack, "--json"]);
    pairs.push({ floor, plan });
  }
  const pick = (f: (p: { floor: Timing; plan: Timing }) => number) => median(pairs.map(f));
  return {
    runs,
    floor: { wallMs: pick((p) => p.floor.wallMs), cpuMs: pick((p) => p.floor.cpuMs) },
    plan: { wallMs: pick((p) => p.plan.wallMs), cpuMs: pick((p) => p.plan.cpuMs) },
    ratio: { wallMs: pick((p) => p.plan.wallMs / p.floor.wallMs), cpuMs: pick((p) => p.plan.cpuMs / p.floor.cpuMs) },
  };
}

interface StateFigures {
  readonly bytes: number;
  readonly resources: number;
  readonly largestProviderBytes: number;
}

function state(stack: string): StateFigures {
  const run = timeNode(["scripts/plan.ts", "--stack", stack, "--json"]);
  const plan = JSON.parse(run.stdout) as { state: StateFigures };
  return plan.state;
}

function lastSuite(): unknown {
  return fs.existsSync(SUITE_REPORT) ? (JSON.parse(fs.readFileSync(SUITE_REPORT, "utf8")) as unknown) : null;
}

interface Figures {
  heroku?: HerokuProviderMeasurements;
  state?: Record<string, StateFigures>;
  program?: Record<string, ProgramFigures>;
  suite?: unknown;
}

function render(figures: Figures): string {
  const out: string[] = [];
  const { heroku, state: sizes, program: starts, suite } = figures;
  if (heroku) {
    out.push("Heroku providers against the local API double");
    out.push(`  create one full app from nothing: ${heroku.createCalls} API calls (+${heroku.createBlobCalls} source upload)`);
    out.push(`  no-op refresh of it:              ${heroku.refreshCalls} API calls`);
    out.push(
      `  20% fault mix: ${heroku.faults.injected} faults injected, ${heroku.faults.retries} retries, ${heroku.faults.duplicates} duplicate objects, end state ${heroku.faults.sameEndState ? "identical" : "DIFFERENT"}`,
    );
  }
  if (sizes) {
    out.push("State (as `pulumi stack export` writes it)");
    for (const [stack, s] of Object.entries(sizes)) {
      out.push(`  ${stack}: ${(s.bytes / 1024).toFixed(0)} KiB for ${s.resources} resources; each Heroku resource stores a ${s.largestProviderBytes}-byte provider (twice)`);
    }
  }
  if (starts) {
    out.push("Program start: npm run plan ÷ loading the same SDKs under tsx (median of paired runs)");
    for (const [stack, p] of Object.entries(starts)) {
      out.push(
        `  ${stack}: ${p.ratio.wallMs.toFixed(2)}× wall (${p.plan.wallMs.toFixed(0)} vs ${p.floor.wallMs.toFixed(0)} ms), ` +
          `${p.ratio.cpuMs.toFixed(2)}× CPU (${p.plan.cpuMs.toFixed(0)} vs ${p.floor.cpuMs.toFixed(0)} ms), ${p.runs} pairs`,
      );
    }
  }
  if (figures.suite !== undefined) {
    if (suite === null) out.push("npm test: no run recorded yet (.test-results/suite.json)");
    else {
      const s = suite as { finishedAt: string; seconds: number; parts: { name: string; seconds: number; code: number }[] };
      out.push(`npm test (last run, ${s.finishedAt}): ${s.seconds.toFixed(0)} s — ${s.parts.map((p) => `${p.name} ${p.seconds.toFixed(0)} s${p.code === 0 ? "" : " FAILED"}`).join(", ")}`);
    }
  }
  return out.join("\n");
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: "string" }, only: { type: "string", multiple: true }, json: { type: "boolean" }, help: { type: "boolean" } } });
  if (values.help) return console.log(HELP);
  const runs = Number(values.runs ?? 7);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a whole number of at least 1, not "${values.runs}"`);
  const unknown = (values.only ?? []).filter((part) => !(PARTS as readonly string[]).includes(part));
  if (unknown.length > 0) throw new Error(`--only takes ${PARTS.join(", ")}; not ${unknown.join(", ")}`);
  const wants = (part: Part) => values.only === undefined || values.only.includes(part);

  const figures: Figures = {};
  if (wants("heroku")) figures.heroku = await measureHerokuProviders();
  if (wants("state")) figures.state = Object.fromEntries(STACKS.map((stack) => [stack, state(stack)]));
  if (wants("program")) figures.program = Object.fromEntries(STACKS.map((stack) => [stack, program(stack, runs)]));
  if (wants("suite")) figures.suite = lastSuite();
  console.log(values.json ? JSON.stringify(figures, null, 2) : render(figures));
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
