/** Largest int64: the latest instant an EdgeX origin can name (2262-04-11). */
export const MAX_ORIGIN_NS = 9_223_372_036_854_775_807n;

/** An origin (exact Unix ns) in Unix ms, floored. */
export function originMs(originNs: bigint): number {
  return Number(originNs / 1_000_000n);
}

/** Unix ms as an origin in Unix ns. */
export function msToOrigin(ms: number): bigint {
  return BigInt(Math.trunc(ms)) * 1_000_000n;
}

/**
 * An origin as decoded (a bigint from the exact JSON and CBOR decoders; a safe-integer number from anything
 * smaller), as an exact bigint; undefined when it is not an int64 of at least 1.
 */
export function toOrigin(v: unknown): bigint | undefined {
  let o: bigint;
  if (typeof v === 'bigint') o = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) o = BigInt(v);
  else return undefined;
  return o >= 1n && o <= MAX_ORIGIN_NS ? o : undefined;
}
