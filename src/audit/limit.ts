/**
 * A small concurrency limiter: at most `concurrency` of the given tasks run at once, in order.
 * (p-limit does the same; this one is 20 lines and keeps the bundle and the jest setup plain.)
 */
export type Limit = <T>(task: () => Promise<T>) => Promise<T>;

export function limiter(concurrency: number): Limit {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= concurrency) {
      // The slot is handed over by the task that finishes (active stays the same).
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      active++;
    }
    try {
      return await task();
    } finally {
      const handOver = waiting.shift();
      if (handOver) {
        handOver();
      } else {
        active--;
      }
    }
  };
}

/** `items.map(fn)` with at most `concurrency` calls of `fn` in flight; results keep the items' order. */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const limit = limiter(concurrency);
  return Promise.all(items.map((item, index) => limit(() => fn(item, index))));
}
