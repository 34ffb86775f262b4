/**
 * Users and their Threads tokens. The token is sealed (AES-256-GCM) before it
 * reaches the database and opened only when a job needs it.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { TokenCipher } from "../auth/token-cipher.js";
import { inTransaction } from "../shared/postgres.js";
import type { ThreadsProfile } from "../threads/graph.js";

export interface User {
  readonly id: string;
  readonly threadsUserId: string;
  readonly username: string;
  readonly displayName: string;
  readonly profilePictureUrl: string | null;
  readonly createdAt: Date;
  readonly lastIngestedAt: Date | null;
}

export interface StoredThreadsToken {
  readonly accessToken: string;
  readonly expiresAt: Date;
  readonly issuedAt: Date;
  /** Threads refused it; the user must sign in again. */
  readonly invalid: boolean;
}

interface UserRow {
  id: string;
  threads_user_id: string;
  username: string;
  display_name: string;
  profile_picture_url: string | null;
  created_at: Date;
  last_ingested_at: Date | null;
}

const USER_COLUMNS = "id, threads_user_id, username, display_name, profile_picture_url, created_at, last_ingested_at";

function toUser(row: UserRow): User {
  return {
    id: row.id,
    threadsUserId: row.threads_user_id,
    username: row.username,
    displayName: row.display_name,
    profilePictureUrl: row.profile_picture_url,
    createdAt: row.created_at,
    lastIngestedAt: row.last_ingested_at,
  };
}

export class UserRepository {
  constructor(
    private readonly pool: pg.Pool,
    private readonly cipher: TokenCipher,
  ) {}

  /** Creates or updates the user a Threads profile belongs to, with a fresh long-lived token. */
  async signedIn(profile: ThreadsProfile, accessToken: string, expiresAt: Date): Promise<User> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<UserRow>(
        `INSERT INTO users (id, threads_user_id, username, display_name, profile_picture_url)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (threads_user_id) DO UPDATE
           SET username = EXCLUDED.username, display_name = EXCLUDED.display_name,
               profile_picture_url = EXCLUDED.profile_picture_url, updated_at = now()
         RETURNING ${USER_COLUMNS}`,
        [randomUUID(), profile.id, profile.username, profile.name?.trim() || profile.username, profile.threads_profile_picture_url ?? null],
      );
      const user = toUser(rows[0]!);
      await this.#storeToken(client, user.id, accessToken, expiresAt);
      return user;
    });
  }

  async find(userId: string): Promise<User | undefined> {
    const { rows } = await this.pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [userId]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  /** Deletes the user and, through ON DELETE CASCADE, every row of their data. */
  async delete(userId: string): Promise<boolean> {
    const result = await this.pool.query("DELETE FROM users WHERE id = $1", [userId]);
    return result.rowCount === 1;
  }

  async readToken(userId: string): Promise<StoredThreadsToken | undefined> {
    const { rows } = await this.pool.query<{ access_token_encrypted: string; expires_at: Date; issued_at: Date; invalid_since: Date | null }>(
      "SELECT access_token_encrypted, expires_at, issued_at, invalid_since FROM threads_tokens WHERE user_id = $1",
      [userId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return { accessToken: this.cipher.open(row.access_token_encrypted), expiresAt: row.expires_at, issuedAt: row.issued_at, invalid: row.invalid_since !== null };
  }

  async storeToken(userId: string, accessToken: string, expiresAt: Date): Promise<void> {
    await this.#storeToken(this.pool, userId, accessToken, expiresAt);
  }

  async markTokenInvalid(userId: string): Promise<void> {
    await this.pool.query("UPDATE threads_tokens SET invalid_since = now() WHERE user_id = $1 AND invalid_since IS NULL", [userId]);
  }

  /** Users with a usable token whose last ingestion is older than `before` (or who were never ingested). */
  async dueForIngestion(before: Date): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT u.id FROM users u JOIN threads_tokens t ON t.user_id = u.id
       WHERE t.invalid_since IS NULL AND t.expires_at > now() AND (u.last_ingested_at IS NULL OR u.last_ingested_at < $1)
       ORDER BY u.last_ingested_at NULLS FIRST, u.id`,
      [before],
    );
    return rows.map((row) => row.id);
  }

  async markIngested(userId: string, at: Date): Promise<void> {
    await this.pool.query("UPDATE users SET last_ingested_at = $2 WHERE id = $1", [userId, at]);
  }

  async #storeToken(db: pg.Pool | pg.PoolClient, userId: string, accessToken: string, expiresAt: Date): Promise<void> {
    await db.query(
      `INSERT INTO threads_tokens (user_id, access_token_encrypted, expires_at, issued_at, invalid_since) VALUES ($1, $2, $3, now(), NULL)
       ON CONFLICT (user_id) DO UPDATE SET access_token_encrypted = EXCLUDED.access_token_encrypted, expires_at = EXCLUDED.expires_at,
         issued_at = now(), invalid_since = NULL`,
      [userId, this.cipher.seal(accessToken), expiresAt],
    );
  }
}
