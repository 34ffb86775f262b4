import { describe, expect, it } from "vitest";
import { TtlCache } from "../src/ttl-cache.js";

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

describe("TtlCache", () => {
  it("keeps a value for ttlMs, then loads again", async () => {
    let now = 1_000;
    let loads = 0;
    const cache = new TtlCache<number>({ ttlMs: 100, maxEntries: 10, nowMs: () => now });
    const load = async () => ++loads;
    expect(await cache.get("a", load)).toEqual({ value: 1, loadedAtMs: 1_000 });
    now += 99;
    expect(await cache.get("a", load)).toEqual({ value: 1, loadedAtMs: 1_000 });
    now += 1;
    expect(await cache.get("a", load)).toEqual({ value: 2, loadedAtMs: 1_100 });
  });

  it("shares one load among callers asking at once, and keeps no failure", async () => {
    const cache = new TtlCache<string>({ ttlMs: 1_000, maxEntries: 10 });
    const pending = deferred<string>();
    let loads = 0;
    const load = () => {
      loads++;
      return pending.promise;
    };
    const both = Promise.all([cache.get("k", load), cache.get("k", load)]);
    pending.reject(new Error("Spotify down"));
    await expect(both).rejects.toThrow("Spotify down");
    expect(loads).toBe(1);
    expect(cache.size).toBe(0);
    expect((await cache.get("k", async () => "fine")).value).toBe("fine");
  });

  it("drops the oldest entries beyond maxEntries, and entries by key prefix", async () => {
    const cache = new TtlCache<string>({ ttlMs: 1_000, maxEntries: 2 });
    for (const key of ["u1:a", "u1:b", "u2:a"]) await cache.get(key, async () => key);
    expect(cache.size).toBe(2);
    expect((await cache.get("u1:a", async () => "reloaded")).value).toBe("reloaded");
    cache.deletePrefix("u2:");
    expect((await cache.get("u2:a", async () => "again")).value).toBe("again");
  });
});
