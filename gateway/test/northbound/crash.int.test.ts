import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import {
  freePort,
  type KafkaUnderTest,
  makeEvent,
  makeTempDir,
  startKafkaForTests,
  uniqueTopic,
  waitFor,
} from '@hvac-edge/test/support';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore, spawnGateway } from '../helpers.js';
import { consumeEvents } from './helpers.js';

const BACKLOG = 6000;

// SIGKILL while forwarding a backlog, then restart: at-least-once, and every accepted id arrives.
describe('northbound crash: SIGKILL mid-drain', () => {
  let kafka: KafkaUnderTest | undefined;
  let child: ChildProcess | undefined;
  let dir = '';
  afterAll(async () => {
    child?.kill('SIGKILL');
    await kafka?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('re-sends what was not marked forwarded; the consumer sees every accepted event', async () => {
    kafka = await startKafkaForTests({ defaultPartitions: 3 });
    dir = await makeTempDir('nb-crash');
    const dbPath = `${dir}/gateway.db`;
    const topic = uniqueTopic('events');
    const gatewayId = uniqueTopic('gw'); // one id across its restarts, none shared with other tests
    // The backlog: accepted while Kafka was unreachable.
    const store = await openSqliteStore(dbPath);
    const accepted: string[] = [];
    for (let i = 0; i < BACKLOG; i += 500) {
      const evs = Array.from({ length: 500 }, (_, j) => makeEvent({ deviceName: `dev-${(i + j) % 5}` }));
      await Promise.all(evs.map((e) => store.append(e)));
      accepted.push(...evs.map((e) => e.id));
    }
    await store.close();

    const admin = new Kafka({ clientId: 'crash-test', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    // The topic exists before the gateway starts: otherwise a real Kafka's auto-creation holds the first batch while
    // the gateway keeps reading its backlog, and the whole backlog could land between the first poll and the kill.
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const inTopic = async () => {
      try {
        const offsets = await admin.fetchTopicOffsets(topic);
        return offsets.reduce((a, o) => a + Number(o.high), 0);
      } catch {
        return 0;
      }
    };
    const startGateway = async () => {
      const port = await freePort();
      return spawnGateway(port, dbPath, {
        GATEWAY_KAFKA_BROKERS: kafka?.brokers.join(',') ?? '',
        GATEWAY_GATEWAY_ID: gatewayId,
        GATEWAY_KAFKA_TOPIC: topic,
        // Small batches: a real Kafka takes a batch in a few ms, and the drain must still be under way when killed.
        GATEWAY_KAFKA_BATCH_SIZE: '50',
        GATEWAY_KAFKA_IDLE_MS: '50',
      });
    };

    const first = await startGateway();
    child = first.proc;
    // Killed at the first batch seen in the topic (polled without backoff, so that the drain is caught early).
    const deadline = Date.now() + 30_000;
    while ((await inTopic()) === 0) {
      if (Date.now() > deadline) throw new Error('no forwarded batch within 30 s');
      await new Promise((r) => setTimeout(r, 5));
    }
    first.proc.kill('SIGKILL');
    await first.exited;
    const beforeRestart = await inTopic();
    expect(beforeRestart).toBeGreaterThan(0);
    expect(beforeRestart).toBeLessThan(BACKLOG);

    const second = await startGateway();
    child = second.proc;
    await waitFor(async () => (await inTopic()) >= BACKLOG, 'backlog drained after restart', 60_000);
    const received = await consumeEvents(
      kafka.brokers,
      topic,
      (got) => new Set(got.map((r) => r.message.event.id)).size >= BACKLOG,
    );
    const distinct = new Set(received.map((r) => r.message.event.id));
    expect(distinct.size).toBe(accepted.length);
    expect([...distinct].sort()).toEqual([...accepted].sort());
    // At least once: a batch published but not marked before the kill may arrive twice, never more.
    expect(received.length).toBeGreaterThanOrEqual(BACKLOG);
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0); // a graceful shutdown, within its timeout
    await admin.disconnect();
  });
});
