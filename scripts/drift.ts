/**
 * `npm run drift -- --stack <stack> [--json]`: what exists on the stack's
 * Heroku apps that fleet does not manage. The work is
 * scripts/lib/drift-command.ts; this file binds it to the process.
 */
import "./lib/lean-start";
import { runDrift } from "./lib/drift-command";

function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}

runDrift(process.argv.slice(2), {
  stdout: writeOut,
  stderr: (text) => process.stderr.write(text),
  loadProgram: () => require("../stacks/index.ts") as unknown,
  env: process.env,
}).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`drift: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
