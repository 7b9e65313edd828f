/**
 * Runs `work` over `items` with at most `limit` in flight, results in input order. A rejected item
 * does not stop the others (each settles on its own). Hand-written because the well-known
 * libraries for this (p-limit, p-map) are ESM-only, which this CommonJS project cannot require.
 */
export async function mapWithLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`mapWithLimit: limit must be a positive integer; got ${limit}.`);
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: "fulfilled", value: await work(items[index], index) };
      } catch (reason) {
        results[index] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
