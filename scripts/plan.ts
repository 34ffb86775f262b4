/**
 * `npm run plan -- --stack <stack> [--json]`: evaluates the real fleet program
 * offline (Pulumi's mock runtime, the stack's YAML, no credentials, no
 * network) and prints every resource that would exist, grouped by app, the
 * config vars each app gets and where each comes from (never a secret value),
 * secrets still to set, the connection budgets and a monthly cost estimate.
 * The work is scripts/lib/plan-command.ts; this file binds it to the process.
 */
import "./lib/lean-start";
import { runPlan } from "./lib/plan-command";

/** Writes all of `text` before the process exits (a pipe takes stdout asynchronously). */
function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}

runPlan(process.argv.slice(2), {
  stdout: writeOut,
  stderr: (text) => process.stderr.write(text),
  loadProgram: () => require("../stacks/index.ts") as unknown,
}).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`plan: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
