/**
 * EdgeX origins are Unix nanoseconds carried as JS numbers. Near 2^60 a double holds a millisecond-aligned origin only
 * to 256 ns (…785999872), so `Math.floor(origin / 1e6)` lands a millisecond early for about one value in eight, and
 * the same origin written as ns would not be the instant the device meant. Both conversions round to whole
 * microseconds first, which recovers it; the same origin always converts the same way, which keeps replays
 * idempotent downstream.
 */

/** The origin in Unix ms. */
export function originMs(originNs: number): number {
  return Math.floor(Math.round(originNs / 1000) / 1000);
}

/** The origin as a decimal Unix-ns string (for a TSDB timestamp), rounded to whole microseconds. */
export function originNsString(originNs: number): string {
  return String(BigInt(Math.round(originNs / 1000)) * 1000n);
}
