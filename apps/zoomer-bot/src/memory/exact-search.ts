/**
 * Exact cosine search in this process, for databases without pgvector: the
 * embeddings are read once at boot (binary, through array_send: parsing 10,000
 * × 1,536 numbers as text would take many seconds), kept normalised in one
 * Float32Array — the precision pgvector stores — and scanned in full per query.
 */
import type pg from "pg";
import type { Match, SimilarityQuery, SimilaritySearch } from "./search.js";

/** Rows read per query while loading. */
const PAGE_ROWS = 1000;

/** Postgres's binary array format (array_send) of a one-dimensional real[]: a header, then per element its length and a big-endian float4. */
export function readFloat4Array(bytes: Buffer): Float32Array {
  const dimensions = bytes.readInt32BE(0);
  if (dimensions === 0) return new Float32Array(0);
  if (dimensions !== 1) throw new Error(`expected a one-dimensional array, got ${dimensions} dimensions`);
  const length = bytes.readInt32BE(12);
  const values = new Float32Array(length);
  let at = 20;
  for (let index = 0; index < length; index++) {
    const size = bytes.readInt32BE(at);
    if (size !== 4) throw new Error(`embedding element ${index} is ${size === -1 ? "NULL" : `${size} bytes`}, not a float4`);
    values[index] = bytes.readFloatBE(at + 4);
    at += 8;
  }
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
  dimensions: number;
  ids: number[];
  /** `ids.length` unit vectors back to back, with room to grow. */
  vectors: Float32Array;
}

export class ExactSearch implements SimilaritySearch {
  readonly kind = "exact";
  /** One shelf per embedding model. */
  readonly #shelves = new Map<string, Shelf>();

  /** Reads every stored embedding. */
  static async load(pool: pg.Pool): Promise<ExactSearch> {
    const search = new ExactSearch();
    let after = 0;
    for (;;) {
      const { rows } = await pool.query<{ id: string; embedding_model: string; vector: Buffer }>(
        "SELECT id, embedding_model, array_send(embedding) AS vector FROM translation_pairs WHERE id > $1 ORDER BY id LIMIT $2",
        [after, PAGE_ROWS],
      );
      for (const row of rows) search.#add(Number(row.id), row.embedding_model, readFloat4Array(row.vector));
      if (rows.length < PAGE_ROWS) return search;
      after = Number(rows.at(-1)!.id);
    }
  }

  get size(): number {
    let size = 0;
    for (const shelf of this.#shelves.values()) size += shelf.ids.length;
    return size;
  }

  added(pair: { id: number; model: string; embedding: readonly number[] }): void {
    this.#add(pair.id, pair.model, Float32Array.from(pair.embedding));
  }

  #add(id: number, model: string, vector: Float32Array): void {
    const unit = normalised(vector);
    if (unit === undefined) return;
    let shelf = this.#shelves.get(model);
    if (shelf === undefined) {
      shelf = { dimensions: unit.length, ids: [], vectors: new Float32Array(unit.length * 64) };
      this.#shelves.set(model, shelf);
    }
    if (unit.length !== shelf.dimensions) return;
    const used = shelf.ids.length * shelf.dimensions;
    if (used + unit.length > shelf.vectors.length) {
      const grown = new Float32Array(shelf.vectors.length * 2);
      grown.set(shelf.vectors);
      shelf.vectors = grown;
    }
    shelf.vectors.set(unit, used);
    shelf.ids.push(id);
  }

  async nearest(query: SimilarityQuery): Promise<Match[]> {
    const shelf = this.#shelves.get(query.model);
    if (shelf === undefined || query.limit <= 0) return [];
    if (query.embedding.length !== shelf.dimensions) {
      throw new Error(`query embedding has ${query.embedding.length} dimensions, the stored ${query.model} ones ${shelf.dimensions}`);
    }
    const unit = normalised(Float32Array.from(query.embedding));
    if (unit === undefined) return [];
    const { dimensions, ids, vectors } = shelf;
    const found: Match[] = [];
    for (let row = 0; row < ids.length; row++) {
      let dot = 0;
      const base = row * dimensions;
      for (let index = 0; index < dimensions; index++) dot += vectors[base + index]! * unit[index]!;
      if (dot >= query.threshold) found.push({ pairId: ids[row]!, similarity: dot });
    }
    found.sort((a, b) => b.similarity - a.similarity || a.pairId - b.pairId);
    return found.slice(0, query.limit);
  }
}
