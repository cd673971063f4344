import { PoisonError } from './errors.js';

/**
 * Runs `attempt` on every item; when it refuses them for good (PoisonError), halves the items until each refused
 * one stands alone, so that one bad item does not hold back those around it. Resolves with the refused items and
 * why (the others were done, in order); any other error propagates (an outage: the caller retries the whole).
 */
export async function isolatePoison<T>(
  items: readonly T[],
  attempt: (items: T[]) => Promise<unknown>,
): Promise<Array<{ item: T; error: PoisonError }>> {
  if (items.length === 0) return [];
  try {
    await attempt([...items]);
    return [];
  } catch (err) {
    if (!(err instanceof PoisonError)) throw err;
    const [one] = items;
    if (items.length === 1 && one !== undefined) return [{ item: one, error: err }];
    const mid = Math.ceil(items.length / 2);
    return [
      ...(await isolatePoison(items.slice(0, mid), attempt)),
      ...(await isolatePoison(items.slice(mid), attempt)),
    ];
  }
}
