import { KafkaTestBroker } from './broker.js';

export interface KafkaUnderTest {
  brokers: string[];
  /** The wire-protocol test broker; undefined when KAFKA_BROKERS points at a real Kafka. */
  testBroker: KafkaTestBroker | undefined;
  stop(): Promise<void>;
}

/**
 * The Kafka the tests talk to: a real cluster when KAFKA_BROKERS is set (comma-separated host:port), otherwise
 * the wire-protocol test broker on a random port.
 */
export async function startKafkaForTests(options: { defaultPartitions?: number } = {}): Promise<KafkaUnderTest> {
  const real = process.env.KAFKA_BROKERS;
  if (real) return { brokers: real.split(',').map((s) => s.trim()), testBroker: undefined, stop: async () => {} };
  const broker = new KafkaTestBroker({ defaultPartitions: options.defaultPartitions ?? 3 });
  await broker.start();
  return { brokers: broker.brokers, testBroker: broker, stop: () => broker.stop() };
}

/** A topic name no earlier run used (real clusters keep topics). */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}
