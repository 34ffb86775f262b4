import { describe, expect, it } from "vitest";
import { inTwoStagePool } from "../../scripts/lib/pool";

const tick = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs the pool over `durations` (first-stage ms per item, second stages 10 ms), recording what ran when. */
async function trace(durations: Record<string, number>, concurrency: number) {
  const events: string[] = [];
  let running = 0;
  let mostRunning = 0;
  const busy = async <T>(label: string, ms: number, value: T): Promise<T> => {
    running++;
    mostRunning = Math.max(mostRunning, running);
    events.push(`start ${label}`);
    await tick(ms);
    events.push(`end ${label}`);
    running--;
    return value;
  };
  const results = await inTwoStagePool(
    Object.keys(durations),
    concurrency,
    (item) => busy(`build ${item}`, durations[item] ?? 0, `${item} built`),
    (item, built) => busy(`suite ${item}`, 10, `${built}, ${item} tested`),
  );
  return { events, mostRunning, results };
}

describe("inTwoStagePool (test:apps' scheduler)", () => {
  it("hands each second stage its own first stage's result, results in the items' order", async () => {
    const { results } = await trace({ a: 30, b: 5, c: 15 }, 2);
    expect(results).toEqual(["a built, a tested", "b built, b tested", "c built, c tested"]);
  });

  it("starts every first stage before any second stage, and never runs more than the lanes", async () => {
    const { events, mostRunning } = await trace({ a: 40, b: 5, c: 5, d: 5 }, 2);
    expect(mostRunning).toBe(2);
    const lastBuildStart = events.lastIndexOf("start build d");
    const firstSuiteStart = events.findIndex((event) => event.startsWith("start suite"));
    expect(lastBuildStart).toBeLessThan(firstSuiteStart);
    // The long build of the first item does not hold the other suites back.
    expect(events.indexOf("end suite b")).toBeLessThan(events.indexOf("end build a"));
    expect(events.at(-1)).toBe("end suite a");
  });

  it("a lane with nothing to start waits for the running first stage, and the run ends when all is done", async () => {
    const { events, results } = await trace({ slow: 50, quick: 5 }, 3);
    expect(events).toEqual([
      "start build slow",
      "start build quick",
      "end build quick",
      "start suite quick",
      "end suite quick",
      "end build slow",
      "start suite slow",
      "end suite slow",
    ]);
    expect(results).toEqual(["slow built, slow tested", "quick built, quick tested"]);
  });
});
