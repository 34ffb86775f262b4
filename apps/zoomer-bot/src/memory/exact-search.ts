/**
 * Exact cosine search in this process, for databases without pgvector. The
 * embeddings are read in pages (array_send: Postgres's binary array layout,
 * far cheaper to read than 1,536 numbers as text) in the background, so a
 * large memory does not delay the worker's readiness: a recall waits for the
 * load. They are kept normalised in one Float32Array per model — the
 * precision pgvector stores — sized to the stored count, and scanned in full
 * per query, keeping only the best k.
 */
import type pg from "pg";
import type { Match, SimilarityQuery, SimilaritySearch } from "./search.js";

/** Rows read per query while loading (each ~25 KB of hex text at 1,536 dimensions: small pages keep the load's garbage small). */
const PAGE_ROWS = 250;

/** Postgres's binary array format (array_send) of a one-dimensional real[]: a header, then per element its length and a big-endian float4. */
export function readFloat4Array(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dimensions = view.getInt32(0);
  if (dimensions === 0) return new Float32Array(0);
  if (dimensions !== 1) throw new Error(`expected a one-dimensional array, got ${dimensions} dimensions`);
  const length = view.getInt32(12);
  if (bytes.byteLength !== 20 + length * 8) throw new Error(`a real[] of ${length} elements cannot take ${bytes.byteLength} bytes (NULL elements?)`);
  const values = new Float32Array(length);
  for (let index = 0, at = 24; index < length; index++, at += 8) values[index] = view.getFloat32(at);
  return values;
}

function normalised(vector: ArrayLike<number>): Float32Array | undefined {
  let sum = 0;
  for (let index = 0; index < vector.length; index++) sum += vector[index]! * vector[index]!;
  if (sum === 0) return undefined;
  const norm = Math.sqrt(sum);
  const unit = new Float32Array(vector.length);
  for (let index = 0; index < vector.length; index++) unit[index] = vector[index]! / norm;
  return unit;
}

interface Shelf {
  readonly dimensions: number;
  readonly ids: number[];
  /** `ids.length` unit vectors back to back, with room to grow. */
  vectors: Float32Array;
}

export class ExactSearch implements SimilaritySearch {
  readonly kind = "exact";
  /** One shelf per embedding model. */
  readonly #shelves = new Map<string, Shelf>();
  /** Ids on a shelf: a pair both loaded and announced by `added` is kept once. */
  readonly #known = new Set<number>();
  readonly #pool: pg.Pool;
  #loading: Promise<void>;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
    this.#loading = this.#load();
    this.#loading.catch(() => undefined); // reported by the first recall that waits for it
  }

  /** Starts reading every stored embedding; `loaded()` tells when it is done. */
  static open(pool: pg.Pool): ExactSearch {
    return new ExactSearch(pool);
  }

  /** Opens and waits for the load. */
  static async load(pool: pg.Pool): Promise<ExactSearch> {
    const search = ExactSearch.open(pool);
    await search.loaded();
    return search;
  }

  /** Resolves once every stored pair is searchable; a failed load is tried again. */
  async loaded(): Promise<void> {
    try {
      await this.#loading;
    } catch {
      this.#loading = this.#load();
      await this.#loading;
    }
  }

  get size(): number {
    return this.#known.size;
  }

  async #load(): Promise<void> {
    const counts = await this.#pool.query<{ embedding_model: string; pairs: string; dimensions: number }>(
      "SELECT embedding_model, count(*) AS pairs, max(cardinality(embedding)) AS dimensions FROM translation_pairs GROUP BY embedding_model",
    );
    for (const row of counts.rows) {
      // Room for what is stored and a little more, so the first new pairs do not copy the whole shelf.
      const capacity = Number(row.pairs) + 256;
      if (!this.#shelves.has(row.embedding_model)) {
        this.#shelves.set(row.embedding_model, { dimensions: row.dimensions, ids: [], vectors: new Float32Array(capacity * row.dimensions) });
      }
    }
    let after = "0";
    for (;;) {
      const { rows } = await this.#pool.query<{ id: string; embedding_model: string; vector: Buffer }>(
        "SELECT id, embedding_model, array_send(embedding) AS vector FROM translation_pairs WHERE id > $1 ORDER BY id LIMIT $2",
        [after, PAGE_ROWS],
      );
      for (const row of rows) this.#add(Number(row.id), row.embedding_model, readFloat4Array(row.vector));
      if (rows.length < PAGE_ROWS) return;
      after = rows.at(-1)!.id;
    }
  }

  added(pair: { id: number; model: string; embedding: readonly number[] }): void {
    this.#add(pair.id, pair.model, Float32Array.from(pair.embedding));
  }

  #add(id: number, model: string, vector: Float32Array): void {
    if (this.#known.has(id)) return;
    const unit = normalised(vector);
    if (unit === undefined) return;
    let shelf = this.#shelves.get(model);
    if (shelf === undefined) {
      shelf = { dimensions: unit.length, ids: [], vectors: new Float32Array(unit.length * 256) };
      this.#shelves.set(model, shelf);
    }
    if (unit.length !== shelf.dimensions) return;
    const used = shelf.ids.length * shelf.dimensions;
    if (used + unit.length > shelf.vectors.length) {
      const grown = new Float32Array(Math.ceil(shelf.vectors.length * 1.5) + unit.length);
      grown.set(shelf.vectors);
      shelf.vectors = grown;
    }
    shelf.vectors.set(unit, used);
    shelf.ids.push(id);
    this.#known.add(id);
  }

  async nearest(query: SimilarityQuery): Promise<Match[]> {
    await this.loaded();
    const shelf = this.#shelves.get(query.model);
    if (shelf === undefined || shelf.ids.length === 0 || query.limit <= 0) return [];
    if (query.embedding.length !== shelf.dimensions) {
      throw new Error(`query embedding has ${query.embedding.length} dimensions, the stored ${query.model} ones ${shelf.dimensions}`);
    }
    const unit = normalised(Float32Array.from(query.embedding));
    if (unit === undefined) return [];
    const { dimensions, ids, vectors } = shelf;
    // The best `limit` so far, best first; on equal similarity the older pair (smaller id) first.
    const best: Match[] = [];
    const unrolled = dimensions - (dimensions % 4);
    for (let row = 0, base = 0; row < ids.length; row++, base += dimensions) {
      // Four running sums: a quarter of the loop overhead and dependent additions.
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let index = 0; index < unrolled; index += 4) {
        s0 += vectors[base + index]! * unit[index]!;
        s1 += vectors[base + index + 1]! * unit[index + 1]!;
        s2 += vectors[base + index + 2]! * unit[index + 2]!;
        s3 += vectors[base + index + 3]! * unit[index + 3]!;
      }
      for (let index = unrolled; index < dimensions; index++) s0 += vectors[base + index]! * unit[index]!;
      const dot = s0 + s1 + s2 + s3;
      if (dot < query.threshold || (best.length === query.limit && dot <= best[best.length - 1]!.similarity)) continue;
      const match = { pairId: ids[row]!, similarity: dot };
      let at = best.length;
      while (at > 0 && (best[at - 1]!.similarity < dot || (best[at - 1]!.similarity === dot && best[at - 1]!.pairId > match.pairId))) at--;
      best.splice(at, 0, match);
      if (best.length > query.limit) best.pop();
    }
    return best;
  }
}
