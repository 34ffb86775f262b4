/**
 * `npm run pg-backups -- <list|capture|download|restore> --app <heroku app>`:
 * the backup and restore runbook's steps over Heroku's data API, for
 * machines without the Heroku CLI. The work is scripts/lib/pg-backups-command.ts.
 */
import { runPgBackups } from "./lib/pg-backups-command";

runPgBackups(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(`pg-backups: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  },
);
