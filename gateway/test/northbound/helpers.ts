import { decodeEnrichedEvent, type EnrichedEvent } from '@hvac-edge/shared';
import { Kafka, logLevel } from 'kafkajs';

export interface Received {
  message: EnrichedEvent;
  key: string;
  headers: Record<string, string>;
  partition: number;
}

/** An ordinary kafkajs consumer group reading the events topic from the beginning until `until` says stop. */
export async function consumeEvents(
  brokers: string[],
  topic: string,
  until: (received: Received[]) => boolean,
  timeoutMs = 60_000,
): Promise<Received[]> {
  const kafka = new Kafka({ clientId: 'test-consumer', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `test-${Math.random().toString(36).slice(2)}`, heartbeatInterval: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received: Received[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out with ${received.length} messages`)), timeoutMs);
      consumer
        .run({
          eachMessage: async ({ message, partition }) => {
            const decoded = decodeEnrichedEvent(message.value);
            if (!decoded.ok) throw new Error(`invalid message: ${decoded.errors.join('; ')}`);
            const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
            received.push({ message: decoded.value, key: String(message.key), headers, partition });
            if (until(received)) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}

/** Per device, the gateway's sequence numbers must run 1..n with no gap and no repeat. */
export function sequencesByDevice(received: Received[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of received) {
    const list = out.get(r.key) ?? [];
    list.push(r.message.sequence);
    out.set(r.key, list);
  }
  return out;
}
