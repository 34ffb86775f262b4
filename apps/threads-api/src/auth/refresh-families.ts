/**
 * Refresh-token families in Postgres. Each sign-in starts a family; each
 * refresh uses up the presented token and issues its successor in the same
 * family. A token presented a second time means it was copied: the whole
 * family is revoked, so neither the thief nor the user can go on with it.
 */
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { inTransaction } from "../shared/postgres.js";

export interface NewRefreshToken {
  readonly tokenId: string;
  readonly familyId: string;
  readonly userId: string;
  readonly expiresAt: Date;
}

export type RotationOutcome =
  | { readonly kind: "rotated"; readonly next: NewRefreshToken }
  /** Already used before: the family is now revoked. */
  | { readonly kind: "reused" }
  /** Unknown, revoked or expired. */
  | { readonly kind: "invalid" };

export class RefreshFamilies {
  constructor(
    private readonly pool: pg.Pool,
    private readonly ttlSeconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The first token of a new family (a sign-in). */
  async start(userId: string): Promise<NewRefreshToken> {
    return this.#insert(this.pool, userId, randomUUID());
  }

  /** Uses up `tokenId` and issues its successor, in one transaction. */
  async rotate(tokenId: string, familyId: string): Promise<RotationOutcome> {
    return inTransaction(this.pool, async (client): Promise<RotationOutcome> => {
      const found = await client.query<{ user_id: string; family_id: string; used_at: Date | null; revoked_at: Date | null; expires_at: Date }>(
        "SELECT user_id, family_id, used_at, revoked_at, expires_at FROM refresh_tokens WHERE id = $1 FOR UPDATE",
        [tokenId],
      );
      const row = found.rows[0];
      if (!row || row.family_id !== familyId || row.revoked_at !== null || row.expires_at <= this.now()) return { kind: "invalid" };
      if (row.used_at !== null) {
        await client.query("UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL", [familyId, this.now()]);
        return { kind: "reused" };
      }
      await client.query("UPDATE refresh_tokens SET used_at = $2 WHERE id = $1", [tokenId, this.now()]);
      return { kind: "rotated", next: await this.#insert(client, row.user_id, familyId) };
    });
  }

  /** Whether the sign-in has not ended: a logout, a detected reuse or the account's deletion ends it. */
  async isLive(familyId: string): Promise<boolean> {
    const { rows } = await this.pool.query<{ live: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND revoked_at IS NULL) AS live",
      [familyId],
    );
    return rows[0]?.live === true;
  }

  /** Ends a sign-in (logout). */
  async revokeFamily(familyId: string): Promise<void> {
    await this.pool.query("UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL", [familyId, this.now()]);
  }

  async #insert(db: pg.Pool | pg.PoolClient, userId: string, familyId: string): Promise<NewRefreshToken> {
    const tokenId = randomUUID();
    const expiresAt = new Date(this.now().getTime() + this.ttlSeconds * 1000);
    await db.query("INSERT INTO refresh_tokens (id, family_id, user_id, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)", [
      tokenId,
      familyId,
      userId,
      this.now(),
      expiresAt,
    ]);
    return { tokenId, familyId, userId, expiresAt };
  }
}
