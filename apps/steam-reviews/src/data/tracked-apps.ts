/** tracked_apps: the games the pipeline follows, and the resumable state of each one's backfill. */
import type pg from "pg";

export type Queryable = pg.Pool | pg.PoolClient;

export type BackfillState = "not_started" | "in_progress" | "complete";
export type NameSource = "steam" | "placeholder";

export interface BackfillProgress {
  readonly state: BackfillState;
  /** The Steam cursor of the next page to fetch. */
  readonly cursor: string | null;
  readonly pages: number;
  readonly stored: number;
  readonly skipped: number;
  readonly totalReported: number | null;
  readonly startedAt: Date | null;
  readonly updatedAt: Date | null;
  readonly completedAt: Date | null;
}

export interface TrackedApp {
  readonly appId: number;
  readonly name: string;
  readonly nameSource: NameSource;
  readonly active: boolean;
  readonly addedAt: Date;
  readonly addedBy: string;
  readonly deactivatedAt: Date | null;
  readonly deactivatedBy: string | null;
  /** When the last complete fetch started: the dashboard's "Data current as of". */
  readonly lastFetchedAt: Date | null;
  readonly backfill: BackfillProgress;
}

interface TrackedAppRow {
  app_id: number;
  name: string;
  name_source: NameSource;
  active: boolean;
  added_at: Date;
  added_by: string;
  deactivated_at: Date | null;
  deactivated_by: string | null;
  last_fetched_timestamp: Date | null;
  backfill_state: BackfillState;
  backfill_cursor: string | null;
  backfill_pages: number;
  backfill_stored: number;
  backfill_skipped: number;
  backfill_total_reported: number | null;
  backfill_started_at: Date | null;
  backfill_updated_at: Date | null;
  backfill_completed_at: Date | null;
}

function toTrackedApp(row: TrackedAppRow): TrackedApp {
  return {
    appId: row.app_id,
    name: row.name,
    nameSource: row.name_source,
    active: row.active,
    addedAt: row.added_at,
    addedBy: row.added_by,
    deactivatedAt: row.deactivated_at,
    deactivatedBy: row.deactivated_by,
    lastFetchedAt: row.last_fetched_timestamp,
    backfill: {
      state: row.backfill_state,
      cursor: row.backfill_cursor,
      pages: row.backfill_pages,
      stored: row.backfill_stored,
      skipped: row.backfill_skipped,
      totalReported: row.backfill_total_reported,
      startedAt: row.backfill_started_at,
      updatedAt: row.backfill_updated_at,
      completedAt: row.backfill_completed_at,
    },
  };
}

/** `Steam app 3228590`: the name a game carries until Steam's store has told us its own. */
export const placeholderName = (appId: number): string => `Steam app ${appId}`;

export interface NewTrackedApp {
  readonly appId: number;
  readonly name: string;
  readonly nameSource: NameSource;
  /** Who added it: the admin's e-mail, `release` (STEAM_TRACKED_APP_IDS) or `development`. */
  readonly addedBy: string;
}

export class TrackedApps {
  constructor(private readonly db: Queryable) {}

  async list(): Promise<TrackedApp[]> {
    const { rows } = await this.db.query<TrackedAppRow>("SELECT * FROM tracked_apps ORDER BY active DESC, name, app_id");
    return rows.map(toTrackedApp);
  }

  async active(): Promise<TrackedApp[]> {
    const { rows } = await this.db.query<TrackedAppRow>("SELECT * FROM tracked_apps WHERE active ORDER BY app_id");
    return rows.map(toTrackedApp);
  }

  async get(appId: number, db: Queryable = this.db): Promise<TrackedApp | undefined> {
    const { rows } = await db.query<TrackedAppRow>("SELECT * FROM tracked_apps WHERE app_id = $1", [appId]);
    return rows[0] ? toTrackedApp(rows[0]) : undefined;
  }

  /** Ids of `appIds` not tracked yet (active or not). */
  async missing(appIds: readonly number[]): Promise<number[]> {
    const { rows } = await this.db.query<{ app_id: number }>(
      "SELECT id AS app_id FROM unnest($1::int[]) AS id WHERE NOT EXISTS (SELECT 1 FROM tracked_apps WHERE app_id = id) ORDER BY 1",
      [appIds],
    );
    return rows.map((row) => row.app_id);
  }

  /** Adds the game unless it is tracked already (then nothing changes, an inactive one stays inactive). */
  async add(app: NewTrackedApp): Promise<"added" | "exists"> {
    const result = await this.db.query(
      `INSERT INTO tracked_apps (app_id, name, name_source, added_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (app_id) DO NOTHING`,
      [app.appId, app.name, app.nameSource, app.addedBy],
    );
    return result.rowCount === 1 ? "added" : "exists";
  }

  /** Returns false when no such game is tracked. */
  async deactivate(appId: number, by: string): Promise<boolean> {
    const result = await this.db.query(
      `UPDATE tracked_apps SET active = false, deactivated_at = CASE WHEN active THEN now() ELSE deactivated_at END,
         deactivated_by = CASE WHEN active THEN $2 ELSE deactivated_by END
       WHERE app_id = $1`,
      [appId, by],
    );
    return result.rowCount === 1;
  }

  async reactivate(appId: number): Promise<boolean> {
    const result = await this.db.query("UPDATE tracked_apps SET active = true, deactivated_at = NULL, deactivated_by = NULL WHERE app_id = $1", [appId]);
    return result.rowCount === 1;
  }

  /** Replaces a placeholder with the name Steam's store gave. */
  async setSteamName(appId: number, name: string): Promise<void> {
    await this.db.query("UPDATE tracked_apps SET name = $2, name_source = 'steam' WHERE app_id = $1", [appId, name]);
  }

  /** Every review published before `startedAt` is stored: moves "Data current as of" forward, never back (GREATEST skips NULL). */
  async markFetched(appId: number, startedAt: Date, db: Queryable = this.db): Promise<void> {
    await db.query(
      "UPDATE tracked_apps SET last_fetched_timestamp = GREATEST(last_fetched_timestamp, $2) WHERE app_id = $1",
      [appId, startedAt],
    );
  }

  /** The backfill's first page is about to be fetched. */
  async startBackfill(appId: number, cursor: string, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE tracked_apps SET backfill_state = 'in_progress', backfill_cursor = $2, backfill_pages = 0, backfill_stored = 0,
         backfill_skipped = 0, backfill_total_reported = NULL, backfill_started_at = $3, backfill_updated_at = $3, backfill_completed_at = NULL
       WHERE app_id = $1 AND backfill_state = 'not_started'`,
      [appId, cursor, now],
    );
  }

  /** One page stored: the next cursor and the counts, in the caller's transaction with the page's reviews. */
  async recordBackfillPage(
    db: Queryable,
    appId: number,
    page: { readonly nextCursor: string; readonly stored: number; readonly skipped: number; readonly totalReported: number | undefined; readonly now: Date },
  ): Promise<void> {
    await db.query(
      `UPDATE tracked_apps SET backfill_cursor = $2, backfill_pages = backfill_pages + 1, backfill_stored = backfill_stored + $3,
         backfill_skipped = backfill_skipped + $4, backfill_total_reported = coalesce($5, backfill_total_reported), backfill_updated_at = $6
       WHERE app_id = $1`,
      [appId, page.nextCursor, page.stored, page.skipped, page.totalReported ?? null, page.now],
    );
  }

  /** The whole history is stored: the incremental fetch takes over from when the backfill started. */
  async completeBackfill(db: Queryable, appId: number, now: Date): Promise<void> {
    await db.query(
      `UPDATE tracked_apps SET backfill_state = 'complete', backfill_completed_at = $2, backfill_updated_at = $2,
         last_fetched_timestamp = GREATEST(last_fetched_timestamp, backfill_started_at)
       WHERE app_id = $1`,
      [appId, now],
    );
  }
}
