/**
 * A small in-process cache: entries live `ttlMs`, at most `maxEntries` are
 * kept (the oldest go first), and callers asking for a key that is being
 * loaded wait for that load instead of starting their own. Failed loads are
 * not kept. Each dyno has its own: fine for a short-lived, per-user cache.
 */
export interface Cached<V> {
  readonly value: V;
  /** When the value was loaded (ms since the epoch, by the cache's clock). */
  readonly loadedAtMs: number;
}

export interface TtlCacheOptions {
  readonly ttlMs: number;
  readonly maxEntries: number;
  /** @default Date.now */
  readonly nowMs?: () => number;
}

export class TtlCache<V> {
  readonly #entries = new Map<string, Cached<V>>();
  readonly #loading = new Map<string, Promise<Cached<V>>>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #nowMs: () => number;

  constructor(options: TtlCacheOptions) {
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = options.maxEntries;
    this.#nowMs = options.nowMs ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The fresh cached value, or the result of `load` (stored when it succeeds). */
  async get(key: string, load: () => Promise<V>): Promise<Cached<V>> {
    const entry = this.#entries.get(key);
    if (entry && this.#nowMs() - entry.loadedAtMs < this.#ttlMs) return entry;
    const pending = this.#loading.get(key);
    if (pending) return pending;
    const loading = this.#load(key, load);
    this.#loading.set(key, loading);
    try {
      return await loading;
    } finally {
      this.#loading.delete(key);
    }
  }

  /** Forgets every entry whose key starts with `prefix`. */
  deletePrefix(prefix: string): void {
    for (const key of this.#entries.keys()) if (key.startsWith(prefix)) this.#entries.delete(key);
  }

  async #load(key: string, load: () => Promise<V>): Promise<Cached<V>> {
    const entry: Cached<V> = { value: await load(), loadedAtMs: this.#nowMs() };
    this.#entries.delete(key); // re-inserted last: Map order is insertion order, oldest first
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
    return entry;
  }
}
