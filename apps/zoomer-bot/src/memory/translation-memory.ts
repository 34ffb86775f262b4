/**
 * The translation memory: past (source, translation) pairs recalled by the
 * similarity of their sources' embeddings, given to the model as examples.
 */
import type pg from "pg";
import type { Logger } from "pino";
import { ExactSearch } from "./exact-search.js";
import { PairStore, type StoredPair } from "./pairs.js";
import { pgvectorSchema, PgvectorSearch } from "./pgvector-search.js";
import type { SimilaritySearch } from "./search.js";

export interface Recollection extends StoredPair {
  readonly similarity: number;
}

export interface RecallSettings {
  readonly model: string;
  readonly limit: number;
  readonly threshold: number;
}

/**
 * pgvector where the database has it, else the exact search in process, whose
 * embeddings load in the background (`prefer` forces one, for tests and the bench).
 */
export async function openSearch(pool: pg.Pool, prefer?: "pgvector" | "exact"): Promise<SimilaritySearch> {
  const schema = prefer === "exact" ? undefined : await pgvectorSchema(pool);
  if (schema !== undefined) return new PgvectorSearch(pool, schema);
  if (prefer === "pgvector") throw new Error("pgvector is not installed in this database");
  return ExactSearch.open(pool);
}

export class TranslationMemory {
  readonly #pairs: PairStore;
  readonly #search: SimilaritySearch;
  readonly #settings: RecallSettings;
  readonly #logger: Logger;

  constructor(pool: pg.Pool, search: SimilaritySearch, settings: RecallSettings, logger: Logger) {
    this.#pairs = new PairStore(pool);
    this.#search = search;
    this.#settings = settings;
    this.#logger = logger;
  }

  get searchKind(): string {
    return this.#search.kind;
  }

  get model(): string {
    return this.#settings.model;
  }

  /** Resolves with the number of pairs held in process once the exact search has read them; undefined for pgvector (nothing to load). */
  async loaded(): Promise<number | undefined> {
    if (!(this.#search instanceof ExactSearch)) return undefined;
    await this.#search.loaded();
    return this.#search.size;
  }

  /** The most similar past pairs, most similar first; logs how many and how similar. */
  async recall(embedding: readonly number[], context: Record<string, unknown>): Promise<Recollection[]> {
    const started = performance.now();
    const matches = await this.#search.nearest({ embedding, model: this.#settings.model, limit: this.#settings.limit, threshold: this.#settings.threshold });
    const pairs = await this.#pairs.byIds(matches.map((match) => match.pairId));
    const similarity = new Map(matches.map((match) => [match.pairId, match.similarity]));
    const recollections = pairs.map((pair) => ({ ...pair, similarity: similarity.get(pair.id) ?? 0 }));
    const average = recollections.length === 0 ? 0 : recollections.reduce((sum, pair) => sum + pair.similarity, 0) / recollections.length;
    this.#logger.info(
      {
        ...context,
        event: "memories_found",
        memoriesFound: recollections.length,
        avgSimilarity: Number(average.toFixed(4)),
        topSimilarity: recollections[0] ? Number(recollections[0].similarity.toFixed(4)) : null,
        search: this.#search.kind,
        recallMs: Math.round(performance.now() - started),
      },
      `memories found: ${recollections.length}, avg_sim=${average.toFixed(2)}`,
    );
    return recollections;
  }

  /** Tells the search about a pair stored (call once its transaction committed). */
  stored(pair: { id: number; embedding: readonly number[] }): void {
    this.#search.added({ id: pair.id, model: this.#settings.model, embedding: pair.embedding });
  }
}
