/**
 * `npm test`: everything, in the order that fails fastest and the shape that
 * finishes soonest on a small machine.
 *
 * Three parts side by side: the type check of the program and its tests, the
 * program's suite (vitest: mocks, providers against the Heroku double, the
 * engine host, the build check proven on its fixture) and every app's
 * Heroku-like build check and own suite (`test:apps`, two apps at a time).
 * Much of the work is waiting — on npm, builds, Postgres, browsers, child
 * processes — so running them together shortens the wall time without
 * oversubscribing the CPU for long. Any part failing fails the run.
 *
 * Each line of output is prefixed with the part it comes from. The wall time
 * of each part and of the whole run go to `.test-results/suite.json`, which
 * `npm run bench` reports.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";

const ROOT = path.resolve(__dirname, "..");
export const SUITE_REPORT = path.join(ROOT, ".test-results", "suite.json");

interface Part {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
}

interface PartResult {
  readonly name: string;
  readonly code: number;
  readonly seconds: number;
}

const TYPECHECK: Part = { name: "typecheck", command: "npm", args: ["run", "-s", "typecheck"] };
const PROGRAM: Part = { name: "program", command: "npx", args: ["vitest", "run"] };
const APPS: Part = { name: "apps", command: "npx", args: ["tsx", "scripts/test-apps.ts", "--jobs", "2"] };

function runPart(part: Part): Promise<PartResult> {
  const started = Date.now();
  const prefix = `[${part.name}] `;
  return new Promise((resolve) => {
    const child = spawn(part.command, [...part.args], { cwd: ROOT, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    const streams = [prefixLines(child.stdout, prefix, process.stdout), prefixLines(child.stderr, prefix, process.stderr)];
    const done = (code: number) => void Promise.all(streams).then(() => resolve({ name: part.name, code, seconds: (Date.now() - started) / 1000 }));
    child.on("error", (error) => {
      process.stderr.write(`${prefix}cannot start ${part.command}: ${error.message}\n`);
      done(127);
    });
    child.on("close", (code, signal) => done(code ?? (signal !== null ? 128 : 1)));
  });
}

function prefixLines(stream: NodeJS.ReadableStream, prefix: string, out: NodeJS.WritableStream): Promise<void> {
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  // The app runner already prefixes its lines with the app's name.
  lines.on("line", (line) => out.write(line.startsWith("[") ? `${line}\n` : `${prefix}${line}\n`));
  return new Promise((resolve) => lines.on("close", resolve));
}

async function main(): Promise<number> {
  const started = Date.now();
  const results = await Promise.all([runPart(TYPECHECK), runPart(PROGRAM), runPart(APPS)]);
  const seconds = (Date.now() - started) / 1000;

  console.log("\nnpm test summary");
  for (const r of results) console.log(`  ${r.name.padEnd(10)} ${r.code === 0 ? "passed" : `FAILED (exit ${r.code})`}  ${r.seconds.toFixed(1)} s`);
  console.log(`  total      ${seconds.toFixed(1)} s`);
  fs.mkdirSync(path.dirname(SUITE_REPORT), { recursive: true });
  fs.writeFileSync(SUITE_REPORT, `${JSON.stringify({ finishedAt: new Date().toISOString(), seconds, parts: results }, null, 2)}\n`);
  return results.every((r) => r.code === 0) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`test: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
