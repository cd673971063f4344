import { KafkaTestBroker, uniqueTopic } from '@hvac-edge/test/support';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaEventPublisher } from '../../src/northbound/kafka-publisher.js';

/**
 * The producer's kafkajs settings. Its recovery after a cluster lost its state is the fault matrix's scenario 4
 * (test/chaos/kafka-scenarios.ts).
 */
describe('Kafka event publisher', () => {
  let broker: KafkaTestBroker | undefined;
  afterEach(async () => {
    await broker?.stop();
  });

  it('configures kafkajs without its warnings (retries of the idempotent producer, default partitioner)', async () => {
    broker = new KafkaTestBroker();
    await broker.start();
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, { write: (l: string) => lines.push(l) });
    const publisher = new KafkaEventPublisher(
      { brokers: broker.brokers, clientId: 't', topic: uniqueTopic('warn'), compression: 'none' },
      log,
    );
    const before = process.env.KAFKAJS_NO_PARTITIONER_WARNING;
    delete process.env.KAFKAJS_NO_PARTITIONER_WARNING;
    try {
      await publisher.publish([]);
    } finally {
      if (before !== undefined) process.env.KAFKAJS_NO_PARTITIONER_WARNING = before;
      await publisher.disconnect();
    }
    expect(lines.filter((l) => /Limiting retries|partitioner/i.test(l))).toEqual([]);
  });
});
