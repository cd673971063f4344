// Partition logs holding record batches (magic 2) as the producer sent them, with the base offset patched in,
// as a real broker does. The CRC covers only the bytes after it, so patching the offset keeps batches valid.

const BASE_OFFSET = 0;
const LAST_OFFSET_DELTA = 23;
const PRODUCER_ID = 43;
const PRODUCER_EPOCH = 51;
const BASE_SEQUENCE = 53;
const BATCH_LENGTH = 8;

export interface BatchHeader {
  lastOffsetDelta: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
}

export function readBatchHeader(batch: Buffer): BatchHeader {
  return {
    lastOffsetDelta: batch.readInt32BE(LAST_OFFSET_DELTA),
    producerId: batch.readBigInt64BE(PRODUCER_ID),
    producerEpoch: batch.readInt16BE(PRODUCER_EPOCH),
    baseSequence: batch.readInt32BE(BASE_SEQUENCE),
  };
}

/** Splits a record set into its batches (a produce request may carry several). */
export function splitBatches(recordSet: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos + 12 <= recordSet.length) {
    const len = recordSet.readInt32BE(pos + BATCH_LENGTH);
    const end = pos + 12 + len;
    if (end > recordSet.length) break;
    out.push(recordSet.subarray(pos, end));
    pos = end;
  }
  return out;
}

interface StoredBatch {
  baseOffset: bigint;
  lastOffset: bigint;
  bytes: Buffer;
}

export class PartitionLog {
  private readonly batches: StoredBatch[] = [];
  highWatermark = 0n;
  /** Last sequences per producer, for idempotent de-duplication. */
  private readonly producers = new Map<
    bigint,
    { epoch: number; recent: Array<{ seq: number; count: number; baseOffset: bigint }> }
  >();

  /** Appends one batch; returns its base offset, or the earlier one for a duplicate, or an error code. */
  append(batch: Buffer): { baseOffset: bigint; duplicate: boolean } | { error: 'out_of_order' } {
    const h = readBatchHeader(batch);
    if (h.producerId >= 0n) {
      const p = this.producers.get(h.producerId);
      if (p && p.epoch === h.producerEpoch) {
        const dup = p.recent.find((r) => r.seq === h.baseSequence);
        if (dup) return { baseOffset: dup.baseOffset, duplicate: true };
        const last = p.recent.at(-1);
        if (last && h.baseSequence !== last.seq + last.count) return { error: 'out_of_order' };
      } else if (!p && h.baseSequence !== 0) {
        // First batch we see from this producer must start its sequence (a broker that lost state would say
        // UNKNOWN_PRODUCER_ID; out-of-order is the closest this test broker needs).
        return { error: 'out_of_order' };
      }
    }
    const copy = Buffer.from(batch);
    const baseOffset = this.highWatermark;
    copy.writeBigInt64BE(baseOffset, BASE_OFFSET);
    const count = BigInt(h.lastOffsetDelta + 1);
    this.batches.push({ baseOffset, lastOffset: baseOffset + count - 1n, bytes: copy });
    this.highWatermark += count;
    if (h.producerId >= 0n) {
      const p = this.producers.get(h.producerId);
      const entry = { seq: h.baseSequence, count: h.lastOffsetDelta + 1, baseOffset };
      if (!p || p.epoch !== h.producerEpoch)
        this.producers.set(h.producerId, { epoch: h.producerEpoch, recent: [entry] });
      else {
        p.recent.push(entry);
        if (p.recent.length > 5) p.recent.shift();
      }
    }
    return { baseOffset, duplicate: false };
  }

  /** Batches from the one holding `offset`, up to about `maxBytes` (at least one batch). */
  read(offset: bigint, maxBytes: number): Buffer {
    let lo = 0;
    let hi = this.batches.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.batches[mid] as StoredBatch).lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    const out: Buffer[] = [];
    let size = 0;
    for (let i = lo; i < this.batches.length; i++) {
      const b = this.batches[i] as StoredBatch;
      if (out.length > 0 && size + b.bytes.length > maxBytes) break;
      out.push(b.bytes);
      size += b.bytes.length;
    }
    return Buffer.concat(out);
  }

  get messageCount(): bigint {
    return this.highWatermark;
  }
}
