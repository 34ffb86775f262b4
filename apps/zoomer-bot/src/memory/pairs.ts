/** The translation_pairs table: what the memory remembers. */
import type pg from "pg";

export interface NewPair {
  readonly sourceChannelId: string;
  readonly sourceMessageId: number;
  /** The post as markup. */
  readonly sourceText: string;
  /** Its translation as markup. */
  readonly translationText: string;
  readonly embedding: readonly number[];
  readonly embeddingModel: string;
}

export interface StoredPair {
  readonly id: number;
  readonly sourceText: string;
  readonly translationText: string;
}

export class PairStore {
  readonly #pool: pg.Pool | pg.PoolClient;

  constructor(pool: pg.Pool | pg.PoolClient) {
    this.#pool = pool;
  }

  /** Stores the pair once per source post; undefined when that post's pair exists already. */
  async insert(pair: NewPair): Promise<number | undefined> {
    const { rows } = await this.#pool.query<{ id: string }>(
      `INSERT INTO translation_pairs (source_channel_id, source_message_id, source_text, translation_text, embedding, embedding_model)
       VALUES ($1, $2, $3, $4, $5::real[], $6)
       ON CONFLICT (source_channel_id, source_message_id) DO NOTHING RETURNING id`,
      [pair.sourceChannelId, pair.sourceMessageId, pair.sourceText, pair.translationText, pair.embedding, pair.embeddingModel],
    );
    return rows[0] === undefined ? undefined : Number(rows[0].id);
  }

  /** The pairs with these ids, in the order of `ids`. */
  async byIds(ids: readonly number[]): Promise<StoredPair[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.#pool.query<{ id: string; source_text: string; translation_text: string }>(
      "SELECT id, source_text, translation_text FROM translation_pairs WHERE id = ANY($1::bigint[])",
      [ids],
    );
    const byId = new Map(rows.map((row) => [Number(row.id), { id: Number(row.id), sourceText: row.source_text, translationText: row.translation_text }]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async count(): Promise<number> {
    const { rows } = await this.#pool.query<{ count: string }>("SELECT count(*) AS count FROM translation_pairs");
    return Number(rows[0]?.count ?? 0);
  }
}
