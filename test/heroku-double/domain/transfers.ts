/**
 * PGBackups on the data API, as the Heroku CLI's pg:backups commands use it:
 * a capture is a transfer from `pg_dump` to `gof3r` (the backup store), a
 * restore one from a URL to `pg_restore`; both start `pending`, run, and end
 * with `finished_at` and `succeeded` after `timing.transfer`. Transfers are
 * numbered per billing app (`b001`, `r002`…). A succeeded backup has a
 * signed download URL on the double's blob host; a restore succeeds only
 * from a URL the double can fetch (a backup of its own), otherwise it fails
 * with logs saying why. Field names follow the CLI's `BackupTransfer` type.
 */
import { invalidParams, notFound } from "../errors";
import { objectBody, requiredString } from "../http/body";
import { json, type Router } from "../http/router";
import type { AddonRecord, AppRecord, World } from "../state";

type TransferEnd = "gof3r" | "htcat" | "pg_dump" | "pg_restore";

export interface TransferRecord {
  readonly uuid: string;
  readonly num: number;
  /** The billing app of the database. */
  readonly appId: string;
  readonly addonId: string;
  readonly fromType: TransferEnd;
  readonly fromName: string;
  readonly fromUrl: string;
  readonly toType: TransferEnd;
  readonly toName: string;
  readonly toUrl: string;
  /** Signature of the backup's download URL (backups only). */
  readonly signature: string;
  readonly sourceBytes: number;
  processedBytes: number;
  readonly logs: Array<{ created_at: string; level: string; message: string }>;
  readonly createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  succeeded: boolean;
  updatedAt: string;
}

const DATABASE_BYTES = 8_000_000;

function postgresAddon(world: World, idOrName: string): AddonRecord {
  const addon = world.findAddon(idOrName);
  if (!addon || addon.service !== "heroku-postgresql") throw notFound("Couldn't find that database.");
  if (addon.state !== "provisioned") throw invalidParams(`${addon.name} is not available yet (state: ${addon.state}).`);
  return addon;
}

function nextNum(world: World, appId: string): number {
  return [...world.transfers.values()].filter((t) => t.appId === appId).reduce((max, t) => Math.max(max, t.num), 0) + 1;
}

function log(world: World, transfer: TransferRecord, message: string, level = "info"): void {
  transfer.logs.push({ created_at: world.now(), level, message });
}

/** The backup behind a URL this double handed out (its `to_url` or a download URL), when it is one. */
function backupAt(world: World, url: string): TransferRecord | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const m = /^\/backups\/([^/]+)\.dump$/.exec(parsed.pathname);
  const transfer = m?.[1] ? world.transfers.get(m[1]) : undefined;
  if (!transfer || transfer.toType !== "gof3r" || !world.urls.blob.startsWith(parsed.origin)) return undefined;
  const signed = parsed.searchParams.get("X-Amz-Signature");
  return signed === null || signed === transfer.signature ? transfer : undefined;
}

function run(world: World, app: AppRecord, transfer: TransferRecord, outcome: () => string | null): void {
  world.schedule(world.timing.transfer, transfer.uuid, `transfer ${transfer.num} of ${app.name}`, () => {
    transfer.startedAt = world.now();
    log(world, transfer, "Starting transfer");
    const failure = outcome();
    transfer.finishedAt = world.now();
    transfer.updatedAt = transfer.finishedAt;
    if (failure !== null) {
      log(world, transfer, failure, "error");
      log(world, transfer, "Transfer failed");
      return;
    }
    transfer.processedBytes = transfer.sourceBytes;
    transfer.succeeded = true;
    log(world, transfer, "Transfer complete");
  });
}

/** Where a transfer reads and writes: what differs between a capture and a restore. */
type TransferRoute = Pick<TransferRecord, "fromType" | "fromName" | "fromUrl" | "toType" | "toName" | "toUrl" | "signature" | "sourceBytes">;

/** A new transfer of `addon`'s database, queued and not yet started. */
function newTransfer(world: World, app: AppRecord, addon: AddonRecord, route: (uuid: string) => TransferRoute): TransferRecord {
  const uuid = world.uuid();
  const now = world.now();
  const transfer: TransferRecord = {
    uuid,
    num: nextNum(world, app.id),
    appId: app.id,
    addonId: addon.id,
    ...route(uuid),
    processedBytes: 0,
    logs: [],
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    succeeded: false,
    updatedAt: now,
  };
  world.transfers.set(uuid, transfer);
  return transfer;
}

function databaseUrl(addon: AddonRecord): string {
  return `postgres://${addon.resource.host}:${addon.resource.port}/${addon.resource.database}`;
}

/** The name the database goes by on its billing app: its attachment's, else the add-on's. */
function attachmentName(world: World, app: AppRecord, addon: AddonRecord): string {
  return world.appAttachments(app.id).find((a) => a.addonId === addon.id)?.name ?? addon.name;
}

export function captureBackup(world: World, addon: AddonRecord): TransferRecord {
  const app = world.app(addon.appId);
  const transfer = newTransfer(world, app, addon, (uuid) => ({
    fromType: "pg_dump",
    fromName: attachmentName(world, app, addon),
    fromUrl: databaseUrl(addon),
    toType: "gof3r",
    toName: "BACKUP",
    toUrl: `${world.urls.blob}/backups/${uuid}.dump`,
    signature: world.ids.hex(64),
    sourceBytes: DATABASE_BYTES,
  }));
  const failure = world.takePlannedFailure(world.planned.transferFailures, app);
  run(world, app, transfer, () => (failure ? (failure.message ?? "pg_dump: error: connection to server was lost") : null));
  return transfer;
}

export function restoreBackup(world: World, addon: AddonRecord, backupUrl: string): TransferRecord {
  const app = world.app(addon.appId);
  const source = backupAt(world, backupUrl);
  const transfer = newTransfer(world, app, addon, () => ({
    fromType: source && backupUrl.startsWith(source.toUrl) && !backupUrl.includes("?") ? "gof3r" : "htcat",
    fromName: source ? `b${String(source.num).padStart(3, "0")}` : "url",
    fromUrl: backupUrl,
    toType: "pg_restore",
    toName: attachmentName(world, app, addon),
    toUrl: databaseUrl(addon),
    signature: "",
    sourceBytes: source?.sourceBytes ?? 0,
  }));
  run(world, app, transfer, () => {
    if (!source) return `Unable to fetch the backup from ${new URL(backupUrl).host}: 403 Forbidden`;
    if (!source.succeeded) return "The backup did not finish: there is nothing to restore";
    return null;
  });
  return transfer;
}

export function transferName(transfer: TransferRecord): string {
  const prefix = transfer.toType === "pg_restore" ? (transfer.fromType === "pg_dump" ? "c" : "r") : "b";
  return `${prefix}${String(transfer.num).padStart(3, "0")}`;
}

export function downloadUrl(world: World, transfer: TransferRecord): string {
  return `${transfer.toUrl}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=600&X-Amz-Signature=${transfer.signature}`;
}

export function renderTransfer(world: World, transfer: TransferRecord, verbose: boolean): Record<string, unknown> {
  return {
    uuid: transfer.uuid,
    num: transfer.num,
    from_name: transfer.fromName,
    from_type: transfer.fromType,
    from_url: transfer.fromUrl,
    to_name: transfer.toName,
    to_type: transfer.toType,
    to_url: transfer.toUrl,
    options: {},
    source_bytes: transfer.sourceBytes,
    processed_bytes: transfer.processedBytes,
    succeeded: transfer.succeeded,
    warnings: 0,
    created_at: transfer.createdAt,
    started_at: transfer.startedAt,
    finished_at: transfer.finishedAt,
    updated_at: transfer.updatedAt,
    canceled_at: null,
    deleted_at: null,
    purged_at: null,
    num_keep: 2,
    ...(verbose ? { logs: transfer.logs } : {}),
  };
}

function appTransfers(world: World, app: AppRecord): TransferRecord[] {
  return [...world.transfers.values()].filter((t) => t.appId === app.id).sort((a, b) => a.num - b.num);
}

function findTransfer(world: World, app: AppRecord, idOrNum: string): TransferRecord {
  const found = appTransfers(world, app).find((t) => t.uuid === idOrNum || String(t.num) === idOrNum);
  if (!found) throw notFound("Couldn't find that transfer.");
  return found;
}

export function transferRoutes(router: Router): void {
  router
    .post("/client/v11/databases/:db/backups", (ctx) => {
      const transfer = captureBackup(ctx.world, postgresAddon(ctx.world, ctx.params["db"] ?? ""));
      return json(201, renderTransfer(ctx.world, transfer, false));
    })
    .post("/client/v11/databases/:db/restores", (ctx) => {
      const addon = postgresAddon(ctx.world, ctx.params["db"] ?? "");
      const transfer = restoreBackup(ctx.world, addon, requiredString(objectBody(ctx), "backup_url"));
      return json(201, renderTransfer(ctx.world, transfer, false));
    })
    .get("/client/v11/apps/:app/transfers", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      return json(200, appTransfers(ctx.world, app).map((t) => renderTransfer(ctx.world, t, false)));
    })
    .get("/client/v11/apps/:app/transfers/:transfer", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      return json(200, renderTransfer(ctx.world, findTransfer(ctx.world, app, ctx.params["transfer"] ?? ""), ctx.query.get("verbose") === "true"));
    })
    .post("/client/v11/apps/:app/transfers/:transfer/actions/public-url", (ctx) => {
      const app = ctx.world.app(ctx.params["app"] ?? "");
      const transfer = findTransfer(ctx.world, app, ctx.params["transfer"] ?? "");
      if (transfer.toType !== "gof3r" || !transfer.succeeded) throw invalidParams(`${transferName(transfer)} is not a finished backup.`);
      return json(200, { url: downloadUrl(ctx.world, transfer) });
    });
}

/** The backup store behind the download URLs: a dump's bytes for a valid signature. */
export function backupBlobRoutes(router: Router): void {
  router.get("/backups/:file", (ctx) => {
    const transfer = ctx.world.transfers.get((ctx.params["file"] ?? "").replace(/\.dump$/, ""));
    if (!transfer || !transfer.succeeded || ctx.query.get("X-Amz-Signature") !== transfer.signature) {
      return { status: 403, contentType: "application/xml", text: "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>" };
    }
    return { status: 200, contentType: "application/octet-stream", text: Buffer.from(`PGDMP fake dump of transfer ${transfer.num}\n`) };
  });
}
