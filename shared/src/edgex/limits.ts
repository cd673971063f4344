/**
 * Bounds on what one event may be, applied wherever events enter (HTTP JSON and CBOR, MQTT, v1, Kafka): an attacker
 * controls every size, depth, length and count, and a hostile item must cost little and fail alone.
 */
export interface EventLimits {
  /** Size of the decoded event, roughly as stored JSON. */
  maxEventBytes: number;
  /** Nesting of objects and arrays anywhere in the request (objectValue, tags). */
  maxDepth: number;
  /** Length of any one string (a value, a tag, a name). */
  maxStringLength: number;
  maxReadings: number;
  /** Keys of the event's tags. */
  maxTags: number;
  /** Origins before this (Unix ns) are refused. */
  originMinNs: bigint;
  /** Origins further than this ahead of the receiving clock (ns) are refused. */
  originMaxAheadNs: bigint;
}

export const DEFAULT_EVENT_LIMITS: EventLimits = {
  maxEventBytes: 65_536,
  maxDepth: 32,
  maxStringLength: 16_384,
  maxReadings: 256,
  maxTags: 64,
  originMinNs: BigInt(Date.UTC(2000, 0, 1)) * 1_000_000n,
  originMaxAheadNs: 86_400n * 1_000_000_000n,
};

/**
 * Depth, string lengths and an estimate of the serialised size of a decoded value, in one iterative walk (a value
 * nested thousands deep must not overflow the stack here). Stops at the first limit crossed; names it.
 */
export function checkDecodedSize(value: unknown, limits: EventLimits, root = 'body'): string | undefined {
  // Two parallel stacks, no tuple or entry arrays: this runs on every event of the ingest path.
  const values: unknown[] = [value];
  const depths: number[] = [1];
  let bytes = 0;
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop() as number;
    if (typeof v === 'string') {
      if (v.length > limits.maxStringLength)
        return `${root} holds a string of ${v.length} characters; the limit is ${limits.maxStringLength}`;
      bytes += v.length + 2;
    } else if (v !== null && typeof v === 'object') {
      if (depth > limits.maxDepth) return `${root} is nested deeper than ${limits.maxDepth} levels`;
      if (Array.isArray(v)) {
        bytes += 2 + v.length;
        for (let i = 0; i < v.length; i++) {
          values.push(v[i]);
          depths.push(depth + 1);
        }
      } else if (v instanceof Uint8Array) {
        bytes += Math.ceil((v.length * 4) / 3) + 2;
      } else {
        const o = v as Record<string, unknown>;
        for (const k in o) {
          if (!Object.hasOwn(o, k)) continue;
          if (k.length > limits.maxStringLength) return `${root} holds a key of ${k.length} characters`;
          bytes += k.length + 4;
          values.push(o[k]);
          depths.push(depth + 1);
        }
      }
    } else bytes += 8;
    if (bytes > limits.maxEventBytes) return `${root} decodes to more than ${limits.maxEventBytes} bytes`;
  }
  return undefined;
}
