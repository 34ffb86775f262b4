/**
 * Users and their Spotify tokens in the app's schema. Tokens are Fernet
 * ciphertext at rest; a token readable only with an older key is written
 * again under the newest key the first time it is read, and a row no
 * configured key can read is removed (its user logs in again).
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { InvalidFernetToken, type FernetKeyring } from "./fernet.js";
import { inTransaction } from "./shared/postgres.js";

export interface UserRecord {
  readonly id: string;
  readonly spotifyUserId: string;
  readonly displayName: string;
  readonly email: string | null;
}

export interface TokenSet {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
  readonly scope: string | null;
  readonly tokenType: string;
}

export interface SpotifyIdentity {
  readonly spotifyUserId: string;
  readonly displayName: string;
  readonly email: string | null;
}

interface UserRow {
  id: string;
  spotify_user_id: string;
  display_name: string;
  email: string | null;
}

/** No configured ENCRYPTION_KEY decrypts the user's stored tokens (an old key was dropped too early). */
export class UnreadableTokens extends Error {
  constructor(
    readonly userId: string,
    /** Whether this call removed the row (false when another request did first). */
    readonly cleared: boolean,
  ) {
    super("stored Spotify tokens cannot be decrypted with any configured ENCRYPTION_KEY");
    this.name = "UnreadableTokens";
  }
}

/** What re-encrypting one stored row under the newest key did. */
export type ReencryptOutcome = "reencrypted" | "current" | "unreadable" | "changed";

interface TokenRow {
  access_token_encrypted: string;
  refresh_token_encrypted: string;
  expires_at_epoch: string;
  scope: string | null;
  token_type: string | null;
}

const USER_COLUMNS = "id, spotify_user_id, display_name, email";
// Timestamps are UTC without time zone (as the Flask app stored them); epoch seconds cross the boundary.
const TOKEN_COLUMNS =
  "access_token_encrypted, refresh_token_encrypted, extract(epoch FROM expires_at) AS expires_at_epoch, scope, token_type";
const UTC_NOW = "(now() AT TIME ZONE 'UTC')";

function toUser(row: UserRow): UserRecord {
  return { id: row.id, spotifyUserId: row.spotify_user_id, displayName: row.display_name, email: row.email };
}

type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

export class UserRepository {
  readonly #pool: pg.Pool;
  readonly #keyring: FernetKeyring;

  constructor(pool: pg.Pool, keyring: FernetKeyring) {
    this.#pool = pool;
    this.#keyring = keyring;
  }

  /** Creates the user on first login, refreshes name and email on later ones. */
  async upsertUser(identity: SpotifyIdentity): Promise<UserRecord> {
    const result = await this.#pool.query<UserRow>(
      `INSERT INTO users (id, spotify_user_id, display_name, email, created_at, updated_at)
       VALUES ($1, $2, $3, $4, ${UTC_NOW}, ${UTC_NOW})
       ON CONFLICT (spotify_user_id)
       DO UPDATE SET display_name = EXCLUDED.display_name, email = EXCLUDED.email, updated_at = EXCLUDED.updated_at
       RETURNING ${USER_COLUMNS}`,
      [randomUUID(), identity.spotifyUserId, identity.displayName, identity.email],
    );
    return toUser(result.rows[0] as UserRow);
  }

  async findUser(id: string): Promise<UserRecord | null> {
    const result = await this.#pool.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    return result.rows[0] ? toUser(result.rows[0]) : null;
  }

  async countUsers(): Promise<number> {
    const result = await this.#pool.query<{ count: string }>("SELECT count(*) AS count FROM users");
    return Number(result.rows[0]?.count ?? 0);
  }

  async saveTokens(userId: string, tokens: TokenSet): Promise<void> {
    await this.#writeTokens(this.#pool, userId, tokens);
  }

  /** The user's tokens, or null when none are stored (never logged in, or logged out by a revoked grant). */
  async readTokens(userId: string): Promise<TokenSet | null> {
    const result = await this.#pool.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM user_tokens WHERE user_id = $1`, [userId]);
    const row = result.rows[0];
    if (!row) return null;
    const opened = this.#tryDecrypt(row);
    if (!opened) throw new UnreadableTokens(userId, await this.#deleteIfUnchanged(this.#pool, userId, row));
    if (opened.needsReencryption) await this.#reencrypt(userId, row, opened.tokens);
    return opened.tokens;
  }

  /**
   * Locks the user's token row, hands the current tokens to `replace`, and
   * stores what it returns before the lock is released, so two requests (or
   * two dynos) never refresh the same grant at once. `replace` returns null to
   * keep the current tokens. Resolves to the tokens now stored, or null when
   * the user has none.
   */
  async replaceTokens(userId: string, replace: (current: TokenSet) => Promise<TokenSet | null>): Promise<TokenSet | null> {
    const { stored, unreadable } = await inTransaction(this.#pool, async (client): Promise<{ stored: TokenSet | null; unreadable?: UnreadableTokens }> => {
      const result = await client.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM user_tokens WHERE user_id = $1 FOR UPDATE`, [userId]);
      const row = result.rows[0];
      const opened = row ? this.#tryDecrypt(row) : undefined;
      if (!row) return { stored: null };
      if (!opened) return { stored: null, unreadable: new UnreadableTokens(userId, await this.#deleteIfUnchanged(client, userId, row)) };
      const next = await replace(opened.tokens);
      if (next) await this.#writeTokens(client, userId, next);
      return { stored: next ?? opened.tokens };
    });
    // Thrown once the deletion of the unreadable row has committed.
    if (unreadable) throw unreadable;
    return stored;
  }

  async deleteTokens(userId: string): Promise<void> {
    await this.#pool.query("DELETE FROM user_tokens WHERE user_id = $1", [userId]);
  }

  /**
   * Puts up to `limit` token rows of users after `afterUserId` (in id order)
   * under the newest key, without locks: a row the app rewrote meanwhile is
   * left as the app wrote it (`changed`; the app writes under the newest key).
   */
  async reencryptTokensAfter(afterUserId: string, limit: number): Promise<{ userId: string; outcome: ReencryptOutcome }[]> {
    const result = await this.#pool.query<TokenRow & { user_id: string }>(
      `SELECT user_id, ${TOKEN_COLUMNS} FROM user_tokens WHERE user_id > $1 ORDER BY user_id LIMIT $2`,
      [afterUserId, limit],
    );
    const outcomes: { userId: string; outcome: ReencryptOutcome }[] = [];
    for (const row of result.rows) {
      const opened = this.#tryDecrypt(row);
      let outcome: ReencryptOutcome;
      if (!opened) outcome = "unreadable";
      else if (!opened.needsReencryption) outcome = "current";
      else outcome = (await this.#reencrypt(row.user_id, row, opened.tokens)) ? "reencrypted" : "changed";
      outcomes.push({ userId: row.user_id, outcome });
    }
    return outcomes;
  }

  async countTokenRows(): Promise<number> {
    const result = await this.#pool.query<{ count: string }>("SELECT count(*) AS count FROM user_tokens");
    return Number(result.rows[0]?.count ?? 0);
  }

  /** The tokens, or undefined when no configured key opens them. */
  #tryDecrypt(row: TokenRow): { tokens: TokenSet; needsReencryption: boolean } | undefined {
    try {
      return this.#decrypt(row);
    } catch (error) {
      if (error instanceof InvalidFernetToken) return undefined;
      throw error;
    }
  }

  /** Removes the row unless it changed since it was read; true when this call removed it. */
  async #deleteIfUnchanged(db: Queryable, userId: string, row: TokenRow): Promise<boolean> {
    const result = await db.query(
      "DELETE FROM user_tokens WHERE user_id = $1 AND access_token_encrypted = $2 AND refresh_token_encrypted = $3",
      [userId, row.access_token_encrypted, row.refresh_token_encrypted],
    );
    return result.rowCount === 1;
  }

  #decrypt(row: TokenRow): { tokens: TokenSet; needsReencryption: boolean } {
    const access = this.#keyring.open(row.access_token_encrypted);
    const refresh = this.#keyring.open(row.refresh_token_encrypted);
    return {
      tokens: {
        accessToken: access.plaintext.toString("utf8"),
        refreshToken: refresh.plaintext.toString("utf8"),
        expiresAt: Number(row.expires_at_epoch),
        scope: row.scope,
        tokenType: row.token_type ?? "Bearer",
      },
      needsReencryption: access.needsReencryption || refresh.needsReencryption,
    };
  }

  /** Writes the same tokens under the newest key, unless the row changed meanwhile; true when it wrote. */
  async #reencrypt(userId: string, row: TokenRow, tokens: TokenSet): Promise<boolean> {
    const access = this.#keyring.encrypt(tokens.accessToken);
    const refresh = this.#keyring.encrypt(tokens.refreshToken);
    const result = await this.#pool.query(
      `UPDATE user_tokens SET access_token_encrypted = $2, refresh_token_encrypted = $3
       WHERE user_id = $1 AND access_token_encrypted = $4 AND refresh_token_encrypted = $5`,
      [userId, access, refresh, row.access_token_encrypted, row.refresh_token_encrypted],
    );
    return result.rowCount === 1;
  }

  async #writeTokens(db: Queryable, userId: string, tokens: TokenSet): Promise<void> {
    await db.query(
      `INSERT INTO user_tokens (id, user_id, access_token_encrypted, refresh_token_encrypted, expires_at, token_type, scope, created_at, updated_at)
       VALUES ($1, $2, $3, $4, to_timestamp($5) AT TIME ZONE 'UTC', $6, $7, ${UTC_NOW}, ${UTC_NOW})
       ON CONFLICT (user_id) DO UPDATE SET
         access_token_encrypted = EXCLUDED.access_token_encrypted,
         refresh_token_encrypted = EXCLUDED.refresh_token_encrypted,
         expires_at = EXCLUDED.expires_at,
         token_type = EXCLUDED.token_type,
         scope = EXCLUDED.scope,
         updated_at = EXCLUDED.updated_at`,
      [
        randomUUID(),
        userId,
        this.#keyring.encrypt(tokens.accessToken),
        this.#keyring.encrypt(tokens.refreshToken),
        tokens.expiresAt,
        tokens.tokenType,
        tokens.scope,
      ],
    );
  }
}
