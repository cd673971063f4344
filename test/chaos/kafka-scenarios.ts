import { startTestGateway, type TestGateway } from '../../gateway/test/helpers.js';
import { consumeEvents } from '../../gateway/test/northbound/helpers.js';
import { KafkaTestBroker, metricValue, uniqueTopic, waitFor } from '../support/index.js';
import { postEvent, type Scenario } from './scenario.js';

/** A gateway (its own HTTP listener) forwarding to `broker`, with fast retries and the forwarder's stall at 2 s. */
async function forwardingGateway(broker: KafkaTestBroker, topic: string) {
  const gw = await startTestGateway({
    'kafka.brokers': broker.brokers,
    'kafka.topic': topic,
    'kafka.commandsTopic': '',
    'kafka.idleMs': 50,
    'kafka.batchSize': 100,
    'kafka.retryMinDelayMs': 50,
    'kafka.retryMaxDelayMs': 1000,
    'rateLimit.perDevicePerMinute': 0,
    'health.forwarderStallSeconds': 2,
  });
  await gw.start();
  const a = gw.server.server.address();
  return { gw, base: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}` };
}

async function postMany(base: string, n: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = await postEvent(base, `${prefix}-${i % 4}`);
    if (id) ids.push(id);
  }
  return ids;
}

/** What arrived on the topic, against what the gateway acknowledged. */
async function onTopic(broker: KafkaTestBroker, topic: string, accepted: string[]) {
  const received = await consumeEvents(
    broker.brokers,
    topic,
    (got) => new Set(got.map((r) => r.message.event.id)).size >= accepted.length,
  );
  const ids = received.map((r) => r.message.event.id);
  const unique = new Set(ids);
  return {
    lost: accepted.filter((id) => !unique.has(id)).length,
    duplicates: ids.length - unique.size,
    received: ids.length,
  };
}

/** 3. The broker killed and restarted with its data mid-drain: every event on the topic, none twice. */
export const brokerRestart: Scenario = {
  name: 'Kafka broker restarted with its data mid-drain',
  needsTestBroker: true,
  async run(scale) {
    const broker = new KafkaTestBroker({ defaultPartitions: 3 });
    await broker.start();
    const topic = uniqueTopic('chaos-restart');
    let gw: TestGateway | undefined;
    try {
      const f = await forwardingGateway(broker, topic);
      gw = f.gw;
      const first = await postMany(f.base, scale.events, 'rs');
      await broker.refuseConnections(true);
      const during = await postMany(f.base, scale.events, 'rs');
      await broker.refuseConnections(false);
      const accepted = [...first, ...during];
      const g = gw;
      await waitFor(async () => (await g.store.stats()).pending === 0, 'backlog drained', 120_000);
      const r = await onTopic(broker, topic, accepted);
      return {
        lost: r.lost,
        duplicatedPoints: r.duplicates,
        passed: r.lost === 0 && r.duplicates === 0,
        detail: `${accepted.length} accepted, ${r.received} on the topic`,
      };
    } finally {
      await gw?.dispose();
      await broker.stop();
    }
  },
};

/**
 * 4. The broker restarted without its data (the producer's state lost): the forwarder recovers by itself within
 * 30 s of the broker's return, and /readyz says degraded meanwhile.
 */
export const brokerLostState: Scenario = {
  name: 'Kafka broker restarted without its data (producer state lost)',
  needsTestBroker: true,
  async run(scale) {
    const broker = new KafkaTestBroker({ defaultPartitions: 3 });
    await broker.start();
    const topic = uniqueTopic('chaos-lost');
    let gw: TestGateway | undefined;
    try {
      const f = await forwardingGateway(broker, topic);
      const g = f.gw;
      gw = g;
      const readyz = async () => (await g.server.inject({ method: 'GET', url: '/readyz' })).json();
      await postMany(f.base, scale.events, 'ls');
      await waitFor(async () => (await g.store.stats()).pending === 0, 'first events forwarded', 60_000);
      await broker.refuseConnections(true);
      const during = await postMany(f.base, scale.events, 'ls');
      await waitFor(async () => (await readyz()).status === 'degraded', '/readyz degraded during the outage', 30_000);
      const outage = scale.outageSeconds * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, outage - 2000)));
      broker.loseData();
      await broker.refuseConnections(false);
      const back = Date.now();
      await waitFor(async () => (await g.store.stats()).pending === 0, 'backlog forwarded after the return', 60_000);
      const recoveredS = (Date.now() - back) / 1000;
      await waitFor(async () => (await readyz()).status === 'ready', '/readyz ready again', 30_000);
      const rebuilds = await metricValue(g.metrics.registry, 'hvac_gateway_kafka_client_rebuilds_total');
      // The broker lost what it held before; what came after its return is checked against the topic.
      const r = await onTopic(broker, topic, during);
      return {
        lost: r.lost,
        duplicatedPoints: r.duplicates,
        passed: r.lost === 0 && r.duplicates === 0 && recoveredS < 30 && rebuilds >= 1,
        detail: `recovered ${recoveredS.toFixed(1)} s after the broker returned, ${rebuilds} producer rebuild(s), ${during.length} events of the outage on the topic`,
      };
    } finally {
      await gw?.dispose();
      await broker.stop();
    }
  },
};
