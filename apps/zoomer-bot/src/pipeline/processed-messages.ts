/**
 * The processed_messages table: one row per source post, and the state it
 * reached. Every step of the pipeline moves a row forward, so a restart knows
 * what is done, what to resume and what never to do again.
 */
import type pg from "pg";

export type MessageState = "pending" | "translated" | "posting" | "posted" | "failed" | "skipped";

/** States a post never leaves: delivering it again changes nothing. */
export const FINAL_STATES: readonly MessageState[] = ["posted", "failed", "skipped"];

export interface MessageKey {
  readonly channelId: string;
  readonly messageId: number;
}

export interface ProcessedMessage extends MessageKey {
  readonly state: MessageState;
  readonly attempts: number;
  readonly sourceLink: string;
  /** The post as markup. */
  readonly sourceText: string;
  readonly translationText: string | null;
  readonly destinationMessageId: number | null;
  readonly lastError: string | null;
  readonly receivedAt: Date;
}

interface Row {
  channel_id: string;
  message_id: string;
  state: MessageState;
  attempts: number;
  source_link: string;
  source_text: string;
  translation_text: string | null;
  destination_message_id: string | null;
  last_error: string | null;
  received_at: Date;
}

function fromRow(row: Row): ProcessedMessage {
  return {
    channelId: row.channel_id,
    messageId: Number(row.message_id),
    state: row.state,
    attempts: row.attempts,
    sourceLink: row.source_link,
    sourceText: row.source_text,
    translationText: row.translation_text,
    destinationMessageId: row.destination_message_id === null ? null : Number(row.destination_message_id),
    lastError: row.last_error,
    receivedAt: row.received_at,
  };
}

type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

export class ProcessedMessages {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  /** Records the post as received, or returns the row a previous delivery left. */
  async claim(key: MessageKey, source: { link: string; markup: string }): Promise<{ row: ProcessedMessage; fresh: boolean }> {
    const inserted = await this.#db.query<Row>(
      `INSERT INTO processed_messages (channel_id, message_id, state, source_link, source_text) VALUES ($1, $2, 'pending', $3, $4)
       ON CONFLICT (channel_id, message_id) DO NOTHING RETURNING *`,
      [key.channelId, key.messageId, source.link, source.markup],
    );
    if (inserted.rows[0] !== undefined) return { row: fromRow(inserted.rows[0]), fresh: true };
    const row = await this.get(key);
    if (row === undefined) throw new Error(`processed_messages row ${key.channelId}/${key.messageId} vanished`);
    return { row, fresh: false };
  }

  async get(key: MessageKey): Promise<ProcessedMessage | undefined> {
    const { rows } = await this.#db.query<Row>("SELECT * FROM processed_messages WHERE channel_id = $1 AND message_id = $2", [key.channelId, key.messageId]);
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  async #update(key: MessageKey, set: string, values: unknown[]): Promise<void> {
    await this.#db.query(`UPDATE processed_messages SET ${set}, updated_at = now() WHERE channel_id = $1 AND message_id = $2`, [
      key.channelId,
      key.messageId,
      ...values,
    ]);
  }

  /** Translated after `attemptsAdded` tries. */
  async translated(key: MessageKey, translationMarkup: string, attemptsAdded: number): Promise<void> {
    await this.#update(key, "state = 'translated', attempts = attempts + $4, translation_text = $3, last_error = NULL", [translationMarkup, attemptsAdded]);
  }

  /** About to send: from here on a restart looks for the copy in the destination before sending again. */
  async posting(key: MessageKey): Promise<void> {
    await this.#update(key, "state = 'posting'", []);
  }

  async posted(key: MessageKey, destinationMessageId: number): Promise<void> {
    await this.#update(key, "state = 'posted', destination_message_id = $3, posted_at = now(), last_error = NULL", [destinationMessageId]);
  }

  async failed(key: MessageKey, reason: string, attemptsAdded: number): Promise<void> {
    await this.#update(key, "state = 'failed', attempts = attempts + $4, last_error = $3", [reason, attemptsAdded]);
  }

  async skipped(key: MessageKey, reason: string): Promise<void> {
    await this.#update(key, "state = 'skipped', last_error = $3", [reason]);
  }

  /** Rows a previous run left half-done, oldest post first. */
  async unfinished(): Promise<ProcessedMessage[]> {
    const { rows } = await this.#db.query<Row>(
      "SELECT * FROM processed_messages WHERE state IN ('pending', 'translated', 'posting') ORDER BY channel_id, message_id",
    );
    return rows.map(fromRow);
  }

  /** The newest post of the channel ever received, to catch up from. */
  async lastMessageId(channelId: string): Promise<number | undefined> {
    const { rows } = await this.#db.query<{ last: string | null }>("SELECT max(message_id) AS last FROM processed_messages WHERE channel_id = $1", [channelId]);
    return rows[0]?.last === null || rows[0] === undefined ? undefined : Number(rows[0].last);
  }

  async countByState(): Promise<Partial<Record<MessageState, number>>> {
    const { rows } = await this.#db.query<{ state: MessageState; count: string }>("SELECT state, count(*) AS count FROM processed_messages GROUP BY state");
    return Object.fromEntries(rows.map((row) => [row.state, Number(row.count)]));
  }
}
