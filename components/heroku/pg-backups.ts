/**
 * PGBackups through Heroku's data API, as `heroku pg:backups:*` calls it:
 * capture a backup of a database, list an app's backups, get a backup's
 * download URL, restore a backup into a database — each waiting for the
 * transfer to finish and, when it fails, reporting the transfer's last log
 * lines. Used by `npm run pg-backups` (the README's backup and restore
 * runbook); no resource of the program uses it.
 *
 * Transfers belong to the database's billing app: they are listed and polled
 * there (`/client/v11/apps/{billing app}/transfers`), whichever app attaches
 * the database.
 */
import { z } from "zod";
import { seg, type HerokuClient } from "./client";
import { pollInterval, waitTimeout } from "./env";
import { isPollFailed, pollUntil } from "./poll";
import { addonSchema, attachmentSchema } from "./schemas";

const maybe = <S extends z.ZodType>(schema: S) => schema.nullish().transform((value) => value ?? undefined);

/** A transfer as the data API answers it (fields of the Heroku CLI's `BackupTransfer`). */
export const transferSchema = () =>
  z.object({
    uuid: z.string(),
    num: z.number().int(),
    from_type: z.string(),
    from_name: maybe(z.string()),
    to_type: z.string(),
    to_name: maybe(z.string()),
    to_url: maybe(z.string()),
    source_bytes: maybe(z.number()),
    processed_bytes: maybe(z.number()),
    succeeded: z.boolean(),
    created_at: z.string(),
    started_at: maybe(z.string()),
    finished_at: maybe(z.string()),
    schedule: maybe(z.object({ uuid: z.string() })),
    logs: maybe(z.array(z.object({ created_at: z.string(), level: z.string(), message: z.string() }))),
  });
export type Transfer = z.infer<ReturnType<typeof transferSchema>>;

/** The database an app uses, and the app that bills it. */
export interface Database {
  readonly addonId: string;
  readonly addonName: string;
  /** Where its transfers are listed. */
  readonly billingAppId: string;
  readonly billingAppName: string;
}

const TRANSFER_POLL_MS = 3_000;
/** PGBackups suits databases up to about 20 GB; a capture or restore of one takes well under this. */
const TRANSFER_TIMEOUT_MS = 4 * 60 * 60_000;

/** `b003` (manual backup), `a012` (scheduled), `r004` (restore), `c005` (copy), as the CLI names them. */
export function transferName(transfer: Transfer): string {
  const prefix =
    transfer.from_type === "pg_dump"
      ? transfer.to_type === "pg_restore"
        ? "c"
        : transfer.schedule
          ? "a"
          : "b"
      : transfer.to_type === "pg_restore"
        ? "r"
        : "b";
  return `${prefix}${String(transfer.num).padStart(3, "0")}`;
}

/** A transfer that is a backup (a capture into the backup store), scheduled or manual. */
export function isBackup(transfer: Transfer): boolean {
  return transfer.from_type === "pg_dump" && transfer.to_type === "gof3r";
}

/** The Postgres add-on behind an app's attachment (`DATABASE` by default: the app's DATABASE_URL). */
export async function databaseOf(api: HerokuClient, app: string, attachment = "DATABASE"): Promise<Database> {
  const found = await api.get(`/apps/${seg(app)}/addon-attachments/${seg(attachment)}`, attachmentSchema(), {
    hint: `Check the app name and that it has a ${attachment} attachment (\`heroku addons --app ${app}\`).`,
  });
  const addon = await api.get(`/addons/${seg(found.addon.id)}`, addonSchema());
  if (addon.addon_service.name !== "heroku-postgresql") {
    throw new Error(`${attachment} of app ${app} is ${addon.name} (${addon.addon_service.name}), not a Heroku Postgres database.`);
  }
  return { addonId: addon.id, addonName: addon.name, billingAppId: addon.app.id, billingAppName: addon.app.name };
}

/** Every transfer of the database's billing app, oldest first. */
export async function listTransfers(api: HerokuClient, db: Database): Promise<Transfer[]> {
  const transfers = await api.request("GET", `/client/v11/apps/${seg(db.billingAppId)}/transfers`, { host: "data", schema: z.array(transferSchema()) });
  return [...transfers].sort((a, b) => a.num - b.num);
}

/** The backup named `name` (`b003`), or the newest that succeeded. */
export async function findBackup(api: HerokuClient, db: Database, name?: string): Promise<Transfer> {
  const backups = (await listTransfers(api, db)).filter(isBackup);
  if (name !== undefined) {
    const found = backups.find((b) => transferName(b) === name);
    if (!found) throw new Error(`${db.billingAppName} has no backup ${name}; its backups: ${backups.map(transferName).join(", ") || "none"}.`);
    if (!found.succeeded) throw new Error(`backup ${name} of ${db.billingAppName} did not complete, so it cannot be used.`);
    return found;
  }
  const newest = backups.filter((b) => b.succeeded).at(-1);
  if (!newest) throw new Error(`${db.billingAppName} has no completed backup; capture one first (npm run pg-backups -- capture --app ${db.billingAppName}).`);
  return newest;
}

/** Starts a backup of the database and waits until it is complete. */
export async function captureBackup(api: HerokuClient, db: Database): Promise<Transfer> {
  const started = await api.request("POST", `/client/v11/databases/${seg(db.addonId)}/backups`, { host: "data", schema: transferSchema() });
  return waitForTransfer(api, db, started, `backup ${transferName(started)} of ${db.addonName}`);
}

/** A signed, short-lived URL to download a backup (a secret: anyone holding it can read the data). */
export async function backupDownloadUrl(api: HerokuClient, db: Database, backup: Transfer): Promise<string> {
  const answer = await api.request("POST", `/client/v11/apps/${seg(db.billingAppId)}/transfers/${backup.num}/actions/public-url`, {
    host: "data",
    schema: z.object({ url: z.string() }),
    // Asking twice only makes another URL.
    idempotent: true,
  });
  api.addSecrets([answer.url]);
  return answer.url;
}

/** Restores `backupUrl` into the database (everything in it is replaced) and waits until it is done. */
export async function restoreBackup(api: HerokuClient, db: Database, backupUrl: string, label: string): Promise<Transfer> {
  api.addSecrets([backupUrl]);
  const started = await api.request("POST", `/client/v11/databases/${seg(db.addonId)}/restores`, {
    host: "data",
    body: { backup_url: backupUrl },
    schema: transferSchema(),
  });
  return waitForTransfer(api, db, started, `restore of ${label} into ${db.addonName}`);
}

async function waitForTransfer(api: HerokuClient, db: Database, transfer: Transfer, what: string): Promise<Transfer> {
  const path = `/client/v11/apps/${seg(db.billingAppId)}/transfers/${seg(transfer.uuid)}`;
  try {
    return await pollUntil({
      what,
      read: () => api.request("GET", path, { host: "data", schema: transferSchema() }),
      state: (t) => (t.finished_at ? (t.succeeded ? "completed" : "failed") : t.started_at ? `running (${t.processed_bytes ?? 0} bytes)` : "pending"),
      done: (t) => t.finished_at !== undefined && t.succeeded,
      failed: (t) => (t.finished_at !== undefined && !t.succeeded ? "failed" : undefined),
      intervalMs: pollInterval(TRANSFER_POLL_MS),
      timeoutMs: waitTimeout(TRANSFER_TIMEOUT_MS),
      log: api.log,
    });
  } catch (error) {
    if (!isPollFailed(error)) throw error;
    const verbose = await api.request("GET", `${path}?verbose=true`, { host: "data", schema: transferSchema() });
    const lines = (verbose.logs ?? []).slice(-5).map((l) => l.message);
    throw new Error(`${what} failed (${transferName(verbose)}). Its last log lines:\n${api.redact(lines.join("\n")) || "(none)"}`);
  }
}
