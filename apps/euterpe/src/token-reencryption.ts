/**
 * Puts every stored token row under the newest ENCRYPTION_KEY, so an older
 * key can be dropped without logging anyone out. Idempotent: rows already
 * under the newest key are counted and left alone. Rows no configured key
 * opens are reported by user id and left for the app to clear (those users
 * log in again on their next visit).
 */
import type { Logger } from "pino";
import type { ReencryptOutcome, UserRepository } from "./users.js";

export interface ReencryptionReport {
  /** Rows when the run started. */
  readonly total: number;
  readonly reencrypted: number;
  /** Already under the newest key. */
  readonly current: number;
  /** Rewritten by the app while the run read them (the app writes under the newest key). */
  readonly changed: number;
  readonly unreadable: number;
  /** False when the run was asked to stop before the last row; run it again to finish. */
  readonly complete: boolean;
}

export interface ReencryptionOptions {
  readonly logger: Logger;
  /** Rows per round trip. @default 100 */
  readonly batchSize?: number;
  /** Stops after the batch in progress (SIGTERM). */
  readonly signal?: AbortSignal;
}

export async function reencryptAllTokens(users: UserRepository, options: ReencryptionOptions): Promise<ReencryptionReport> {
  const { logger } = options;
  const batchSize = options.batchSize ?? 100;
  const total = await users.countTokenRows();
  const counts: Record<ReencryptOutcome, number> = { reencrypted: 0, current: 0, changed: 0, unreadable: 0 };
  logger.info({ total }, "re-encrypting stored tokens under the newest ENCRYPTION_KEY");
  let after = "";
  let done = 0;
  for (;;) {
    if (options.signal?.aborted) return { total, ...counts, complete: false };
    const batch = await users.reencryptTokensAfter(after, batchSize);
    for (const { userId, outcome } of batch) {
      counts[outcome] += 1;
      if (outcome === "unreadable") logger.warn({ userId }, "no configured ENCRYPTION_KEY opens this user's tokens; left for the app to clear at their next visit");
    }
    done += batch.length;
    const last = batch.at(-1);
    if (!last || batch.length < batchSize) break;
    after = last.userId;
    logger.info({ done, total, ...counts }, "re-encryption progress");
  }
  return { total, ...counts, complete: true };
}
