/**
 * The data lifecycle's clock: posts and replies published more than
 * RETENTION_DAYS ago are deleted (replies of a deleted post go with it), as
 * are refresh tokens past their expiry and audit entries older than a year.
 * Deletes in batches so a large backlog never holds long locks.
 */
import type pg from "pg";

export const AUDIT_RETENTION_DAYS = 365;
const BATCH = 5_000;

export interface RetentionResult {
  readonly cutoff: string;
  readonly posts: number;
  readonly replies: number;
  readonly refreshTokens: number;
  readonly auditEntries: number;
}

async function deleteInBatches(pool: pg.Pool, table: string, condition: string, values: unknown[]): Promise<number> {
  let total = 0;
  for (;;) {
    const result = await pool.query(`DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${condition} LIMIT ${BATCH})`, values);
    total += result.rowCount ?? 0;
    if ((result.rowCount ?? 0) < BATCH) return total;
  }
}

export async function applyRetention(pool: pg.Pool, retentionDays: number, now: Date, shouldStop: () => boolean = () => false): Promise<RetentionResult> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const replies = await deleteInBatches(pool, "replies", "published_at < $1", [cutoff]);
  const repliesOfOldPosts = shouldStop() ? 0 : await deleteInBatches(pool, "replies", "post_id IN (SELECT id FROM posts WHERE published_at < $1)", [cutoff]);
  const posts = shouldStop() ? 0 : await deleteInBatches(pool, "posts", "published_at < $1", [cutoff]);
  const refreshTokens = shouldStop() ? 0 : await deleteInBatches(pool, "refresh_tokens", "expires_at < $1", [now]);
  const auditCutoff = new Date(now.getTime() - AUDIT_RETENTION_DAYS * 86_400_000);
  const auditEntries = shouldStop() ? 0 : await deleteInBatches(pool, "audit_log", "at < $1", [auditCutoff]);
  return { cutoff: cutoff.toISOString(), posts, replies: replies + repliesOfOldPosts, refreshTokens, auditEntries };
}
