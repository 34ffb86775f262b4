/**
 * `npm run review-stack -- --pr <n> --out <dir>`: a pull request's review
 * stack settings (scripts/lib/review-stack-command.ts).
 */
import { runReviewStack } from "./lib/review-stack-command";

runReviewStack(process.argv.slice(2), {
  stdout: (text) => new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve()))),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`review-stack: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
