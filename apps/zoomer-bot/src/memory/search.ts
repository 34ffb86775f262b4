/** Finding the past pairs most similar to a new post: the one interface both searches keep. */

export interface Match {
  readonly pairId: number;
  /** Cosine similarity of the two sources' embeddings, -1…1. */
  readonly similarity: number;
}

export interface SimilarityQuery {
  readonly embedding: readonly number[];
  /** Only pairs embedded with this model compare (another model's vectors live in another space). */
  readonly model: string;
  /** At most this many, most similar first (ties: older pair first). */
  readonly limit: number;
  /** Least similarity a match needs. */
  readonly threshold: number;
}

export interface SimilaritySearch {
  /** `pgvector` (in the database) or `exact` (in this process). */
  readonly kind: "pgvector" | "exact";
  nearest(query: SimilarityQuery): Promise<Match[]>;
  /** Tells the search about a pair just stored. */
  added(pair: { id: number; model: string; embedding: readonly number[] }): void;
}
