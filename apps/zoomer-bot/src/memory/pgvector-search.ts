/**
 * Cosine search by pgvector in the database: the real[] embeddings cast to
 * vector, scanned exactly (no approximate index, so the answers equal the
 * exact in-process search). The extension may live in any schema (Supabase:
 * `extensions`, Heroku: `heroku_ext`), so its type and operator are named
 * with it.
 */
import type pg from "pg";
import type { Match, SimilarityQuery, SimilaritySearch } from "./search.js";

/**
 * The schema holding pgvector in this database, or undefined when it is not
 * installed — or installed where this role may not use it (a role confined to
 * its own schema may lack USAGE on Supabase's `extensions`): then the exact
 * search serves rather than every recall failing.
 */
export async function pgvectorSchema(pool: pg.Pool): Promise<string | undefined> {
  const { rows } = await pool.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'vector' AND has_schema_privilege(n.oid, 'USAGE')`,
  );
  return rows[0]?.schema;
}

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

export class PgvectorSearch implements SimilaritySearch {
  readonly kind = "pgvector";
  readonly #pool: pg.Pool;
  readonly #sql: string;

  constructor(pool: pg.Pool, extensionSchema: string) {
    this.#pool = pool;
    const schema = quoteIdentifier(extensionSchema);
    const distance = `(embedding::${schema}.vector OPERATOR(${schema}.<=>) $1::${schema}.vector)`;
    this.#sql = `SELECT id, 1 - ${distance} AS similarity FROM translation_pairs
      WHERE embedding_model = $2 AND 1 - ${distance} >= $3
      ORDER BY ${distance}, id LIMIT $4`;
  }

  async nearest(query: SimilarityQuery): Promise<Match[]> {
    if (query.limit <= 0) return [];
    const { rows } = await this.#pool.query<{ id: string; similarity: number }>(this.#sql, [
      `[${query.embedding.join(",")}]`,
      query.model,
      query.threshold,
      query.limit,
    ]);
    return rows.map((row) => ({ pairId: Number(row.id), similarity: Number(row.similarity) }));
  }

  added(): void {
    // The database is the index.
  }
}
