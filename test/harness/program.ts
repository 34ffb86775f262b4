/**
 * The one mock-runtime harness of the tests: runs the real fleet program
 * (stacks/index.ts) for a stack configuration and returns every registered
 * resource as the engine would see it.
 *
 * The program is loaded through Node's require with tsx's CommonJS loader —
 * the loader the Pulumi CLI uses for this project (`--import tsx`) — not
 * through vitest's module transform, which breaks the serialization of
 * dynamic providers. Each run starts from fresh module state.
 */
import { createRequire } from "node:module";
import path from "node:path";
import { runMocked, type RunOptions, type RunResult } from "../../scripts/lib/mock-run";

export { configFrom, unwrapSecrets, type Registered, type RunResult } from "../../scripts/lib/mock-run";

const nodeRequire = createRequire(import.meta.url);
const tsx = nodeRequire("tsx/cjs/api") as { require(id: string, fromFile: string): unknown };

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "..", "..");
const PROGRAM = path.join(PROJECT_ROOT, "stacks", "index.ts");

function clearProjectModules(): void {
  for (const key of Object.keys(nodeRequire.cache)) {
    if (key.startsWith(PROJECT_ROOT) && !key.includes(`${path.sep}node_modules${path.sep}`)) delete nodeRequire.cache[key];
  }
}

/** Runs the program once for a stack and returns everything it registered. */
export function runProgram(options: Omit<RunOptions, "load">): Promise<RunResult> {
  return runMocked({
    ...options,
    load: () => {
      clearProjectModules();
      return tsx.require(PROGRAM, PROJECT_ROOT + path.sep);
    },
  });
}
