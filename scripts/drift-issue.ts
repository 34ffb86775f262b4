/**
 * `npm run drift:issue -- --stack <s> --issues <file> [--report <file>]`:
 * what the stack's drift issue needs (scripts/lib/drift-issue-command.ts).
 */
import { runDriftIssue } from "./lib/drift-issue-command";

runDriftIssue(process.argv.slice(2), {
  stdout: (text) => new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve()))),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`drift:issue: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
