/**
 * Postgres advisory locks, namespaced by the app's schema (the database may be
 * shared with other apps). Held on a connection of its own for as long as the
 * work runs; Postgres lets go by itself if the process dies.
 */
import pg from "pg";

export interface LockKey {
  /** `pipeline`, `backfill`: combined with the schema into the first key. */
  readonly name: string;
  /** The second key (a Steam app id), 0 when the lock is one per schema. */
  readonly id: number;
}

export type Locked<T> = { readonly acquired: true; readonly value: T } | { readonly acquired: false };

/**
 * Runs `work` while holding the lock; answers `acquired: false` at once,
 * without running it, when someone else holds it.
 */
export async function withAdvisoryLock<T>(config: pg.ClientConfig, schema: string, key: LockKey, work: () => Promise<T>): Promise<Locked<T>> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtext($1), $2) AS locked", [`${schema}:${key.name}`, key.id]);
    if (!rows[0]?.locked) return { acquired: false };
    try {
      return { acquired: true, value: await work() };
    } finally {
      await client.query("SELECT pg_advisory_unlock(hashtext($1), $2)", [`${schema}:${key.name}`, key.id]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
