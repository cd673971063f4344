/**
 * What a kafkajs error means for the client that got it:
 * - `retry`: a passing condition (a broker restarting, a leader moving, a network blip): the same client retries;
 * - `rebuild`: the cluster lost or fenced this client's state (the idempotent producer's sequence or id, its epoch):
 *   retrying the same client can never succeed, a new client can;
 * - `poison`: this record set itself is refused (too large, invalid): set it aside, the rest goes on.
 */
export type KafkaErrorClass = 'retry' | 'rebuild' | 'poison';

const REBUILD = new Set([
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_EPOCH',
  'PRODUCER_FENCED',
  'INVALID_PRODUCER_ID_MAPPING',
  'INVALID_TXN_STATE',
  'UNKNOWN_MEMBER_ID',
  'FENCED_INSTANCE_ID',
]);
const POISON = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE', 'INVALID_RECORD', 'CORRUPT_MESSAGE']);

/** The error and its causes (kafkajs wraps the protocol error in KafkaJSNumberOfRetriesExceeded). */
function chain(err: unknown): Array<{ type?: string; message?: string; name?: string }> {
  const out: Array<{ type?: string; message?: string; name?: string }> = [];
  let e = err as { type?: string; cause?: unknown; originalError?: unknown } | undefined;
  for (let i = 0; e && i < 5; i++) {
    out.push(e as { type?: string });
    e = (e.cause ?? e.originalError) as typeof e;
  }
  return out;
}

export function classifyKafkaError(err: unknown): KafkaErrorClass {
  const errors = chain(err);
  if (errors.some((e) => e.type && REBUILD.has(e.type))) return 'rebuild';
  // kafkajs reports a lost sequence as a plain error from its EOS manager in some paths.
  const lost = ['out of order sequence', 'unknown producer id', 'producer fenced', 'producer has been fenced'];
  if (errors.some((e) => lost.some((m) => (e.message ?? '').toLowerCase().includes(m)))) return 'rebuild';
  if (errors.some((e) => e.type && POISON.has(e.type))) return 'poison';
  return 'retry';
}
