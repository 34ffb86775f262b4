/**
 * Runs two stages per item on at most `concurrency` lanes: `first(item)`, then
 * `second(item, firstResult)`. A free lane starts the next first stage while
 * any is left, and only then the second stages whose first has ended. So the
 * heavy first stages (builds) all start early and the lighter second stages
 * (suites) fill the end, whatever order the items come in: no long item is
 * left to run alone at the end because it came last. Results keep the items'
 * order. Neither stage may reject: each reports its own failure in its result.
 */
export async function inTwoStagePool<T, F, S>(
  items: readonly T[],
  concurrency: number,
  first: (item: T) => Promise<F>,
  second: (item: T, firstResult: F) => Promise<S>,
): Promise<S[]> {
  const results = new Array<S>(items.length);
  const ready: { index: number; firstResult: F }[] = [];
  let nextFirst = 0;
  let firstsRunning = 0;
  const waiting: (() => void)[] = [];

  const lane = async (): Promise<void> => {
    for (;;) {
      if (nextFirst < items.length) {
        const index = nextFirst++;
        firstsRunning++;
        try {
          ready.push({ index, firstResult: await first(items[index] as T) });
        } finally {
          firstsRunning--;
          for (const wake of waiting.splice(0)) wake();
        }
      } else if (ready.length > 0) {
        const { index, firstResult } = ready.shift() as { index: number; firstResult: F };
        results[index] = await second(items[index] as T, firstResult);
      } else if (firstsRunning > 0) {
        // Nothing to start until a running first stage ends.
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else {
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  return results;
}
