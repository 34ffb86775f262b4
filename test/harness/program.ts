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
// Registered once for the whole test process, without tsx's per-call namespaces: serialized
// providers must see plain module paths, as they do under `node --import tsx`.
(nodeRequire("tsx/cjs/api") as { register(): () => void }).register();

export const PROJECT_ROOT = path.resolve(import.meta.dirname, "..", "..");
const PROGRAM = path.join(PROJECT_ROOT, "stacks", "index.ts");

function clearProjectModules(): void {
  for (const key of Object.keys(nodeRequire.cache)) {
    if (key.startsWith(PROJECT_ROOT) && !key.includes(`${path.sep}node_modules${path.sep}`)) delete nodeRequire.cache[key];
  }
}

/** The program module, loaded afresh (it exports the function the Pulumi host calls). */
export function loadProgram(): unknown {
  clearProjectModules();
  return nodeRequire(PROGRAM);
}

/** Runs the program once for a stack and returns everything it registered. */
export function runProgram(options: Omit<RunOptions, "load">): Promise<RunResult> {
  return runMocked({ ...options, load: loadProgram });
}
