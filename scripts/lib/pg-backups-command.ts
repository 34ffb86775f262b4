/**
 * What `npm run pg-backups` does, as a function of its arguments: the backup
 * and restore runbook's steps over Heroku's data API (the same calls as
 * `heroku pg:backups:*`), for machines without the Heroku CLI. Returns the
 * exit status: 0 done, 1 failed, 2 bad arguments.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import { herokuClient } from "../../components/heroku/client";
import {
  backupDownloadUrl,
  captureBackup,
  databaseOf,
  findBackup,
  isBackup,
  listTransfers,
  restoreBackup,
  transferName,
  type Transfer,
} from "../../components/heroku/pg-backups";

export const HELP = `Usage: npm run pg-backups -- <command> --app <heroku app> [options]

Backups of an app's Heroku Postgres database through Heroku's data API (what
\`heroku pg:backups\` does), with HEROKU_API_KEY from the environment.

Commands:
  list                     every backup and restore of the database, oldest first
  capture                  take a backup now and wait until it is complete
  download [--out <file>]  save a backup (default: the newest) to <file> (default latest.dump)
  restore --confirm <app>  replace ALL data of the app's database with a backup (default:
                           the newest); --from-app <app> takes it from another app's database

Options:
  --app <name>             the Heroku app (its DATABASE attachment is the database)
  --attachment <NAME>      another attachment of the app (default DATABASE)
  --backup <bNNN>          which backup (download, restore)
  --help                   show this help

Exit status: 0 done, 1 failed (the message says why), 2 bad arguments.`;

export interface PgBackupsIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

class ArgumentError extends Error {}

function describe(t: Transfer): string {
  const status = t.finished_at ? (t.succeeded ? `completed ${t.finished_at}` : `failed ${t.finished_at}`) : t.started_at ? "running" : "pending";
  const kind = isBackup(t) ? `backup of ${t.from_name ?? "?"}` : `restore into ${t.to_name ?? "?"}`;
  return `${transferName(t)}  ${kind}  ${status}  ${t.source_bytes ?? 0} bytes`;
}

export async function runPgBackups(argv: readonly string[], io: PgBackupsIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        app: { type: "string" },
        attachment: { type: "string" },
        backup: { type: "string" },
        out: { type: "string" },
        confirm: { type: "string" },
        "from-app": { type: "string" },
        help: { type: "boolean" },
      },
    });
  } catch (error) {
    io.stderr(`pg-backups: ${error instanceof Error ? error.message : String(error)}\n\n${HELP}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(`${HELP}\n`);
    return 0;
  }
  try {
    const command = positionals[0];
    if (positionals.length !== 1 || !["list", "capture", "download", "restore"].includes(command ?? "")) {
      throw new ArgumentError("give one command: list, capture, download or restore");
    }
    if (!values.app) throw new ArgumentError("--app is required");
    if (command === "restore" && values.confirm !== values.app) {
      throw new ArgumentError(`restore replaces every table of ${values.app}'s database: confirm with --confirm ${values.app}`);
    }
    const api = herokuClient();
    const db = await databaseOf(api, values.app, values.attachment);
    switch (command) {
      case "list":
        for (const t of await listTransfers(api, db)) io.stdout(`${describe(t)}\n`);
        return 0;
      case "capture": {
        const done = await captureBackup(api, db);
        io.stdout(`${describe(done)}\n`);
        return 0;
      }
      case "download": {
        const backup = await findBackup(api, db, values.backup);
        const url = await backupDownloadUrl(api, db, backup);
        const response = await fetch(url);
        if (!response.ok) throw new Error(`downloading ${transferName(backup)} answered ${response.status}`);
        const out = values.out ?? "latest.dump";
        fs.writeFileSync(out, Buffer.from(await response.arrayBuffer()));
        io.stdout(`${transferName(backup)} of ${db.addonName} saved to ${out}\n`);
        return 0;
      }
      default: {
        const source = values["from-app"] ? await databaseOf(api, values["from-app"]) : db;
        const backup = await findBackup(api, source, values.backup);
        const url = await backupDownloadUrl(api, source, backup);
        const done = await restoreBackup(api, db, url, `${transferName(backup)} of ${source.addonName}`);
        io.stdout(`${describe(done)}: ${transferName(backup)} of ${source.addonName} restored into ${db.addonName}\n`);
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof ArgumentError) {
      io.stderr(`pg-backups: ${error.message}\n\n${HELP}\n`);
      return 2;
    }
    io.stderr(`pg-backups: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
