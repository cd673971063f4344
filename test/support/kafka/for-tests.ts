import { Kafka, logLevel, type Producer } from 'kafkajs';
import { spawnAnnounced } from '../process-server.js';
import { KafkaTestBroker } from './broker.js';

export interface KafkaUnderTest {
  brokers: string[];
  /** The wire-protocol test broker; undefined when KAFKA_BROKERS points at a real Kafka. */
  testBroker: KafkaTestBroker | undefined;
  stop(): Promise<void>;
}

/**
 * The Kafka the tests talk to: the real-kafka project's Apache Kafka, a real cluster when KAFKA_BROKERS is set
 * (comma-separated host:port), otherwise the wire-protocol test broker on a random port.
 */
export async function startKafkaForTests(options: { defaultPartitions?: number } = {}): Promise<KafkaUnderTest> {
  // The real-kafka project's Apache Kafka (vitest provide/inject), else KAFKA_BROKERS, else the test broker.
  const { providedServer } = await import('../real-servers/inject.js');
  const real = providedServer('realKafkaBrokers') ?? process.env.KAFKA_BROKERS;
  if (real) return { brokers: real.split(',').map((s) => s.trim()), testBroker: undefined, stop: async () => {} };
  const broker = new KafkaTestBroker({ defaultPartitions: options.defaultPartitions ?? 3 });
  await broker.start();
  return { brokers: broker.brokers, testBroker: broker, stop: () => broker.stop() };
}

/**
 * A producer for tests that feed a topic: idempotent, one request in flight. A plain kafkajs producer re-sends a batch
 * whose answer it missed (a real broker auto-creating the topic answers slowly), and the topic then holds that batch
 * twice; tests that count what a consumer saw must start from a topic that holds each message once.
 */
export function testProducer(brokers: string[], clientId = 't'): Producer {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
  });
}

/** A topic name no earlier run used (real clusters keep topics). */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * For benchmarks: the test broker in a process of its own (so it does not share the measured event loop), or
 * KAFKA_BROKERS when set.
 */
export async function startKafkaBrokerProcess(partitions = 3): Promise<{ brokers: string[]; stop: () => void }> {
  const { providedServer } = await import('../real-servers/inject.js');
  const real = providedServer('realKafkaBrokers') ?? process.env.KAFKA_BROKERS;
  if (real) return { brokers: real.split(','), stop: () => {} };
  const serve = new URL('./serve.ts', import.meta.url).pathname;
  const broker = await spawnAnnounced(serve, [], 'brokers', {
    env: { ...process.env, PARTITIONS: String(partitions) },
  });
  return { brokers: broker.info.brokers as string[], stop: () => void broker.stop() };
}
