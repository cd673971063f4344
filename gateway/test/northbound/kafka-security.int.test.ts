import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { stringifyEdgex } from '@hvac-edge/shared';
import {
  KafkaTestBroker,
  makeAddEventRequest,
  makeTempDir,
  makeTestCertificates,
  metricValue,
  type TestCertificates,
  uniqueTopic,
  waitFor,
} from '@hvac-edge/test/support';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers.js';

/**
 * The forwarder's Kafka TLS and SASL settings against a broker that speaks only TLS and asks for SASL/PLAIN: with the
 * right CA and password the events arrive; with a wrong password, or without TLS, nothing is marked forwarded.
 */
describe('Kafka over TLS with SASL/PLAIN', () => {
  let dir: string;
  let certs: TestCertificates;
  let broker: KafkaTestBroker;
  const sasl = { username: 'gateway', password: 'kafka-password-0001' };
  beforeAll(async () => {
    dir = await makeTempDir('kafka-tls');
    certs = makeTestCertificates(dir);
    broker = new KafkaTestBroker({ tls: { cert: readFileSync(certs.cert), key: readFileSync(certs.key) }, sasl });
    await broker.start();
  });
  afterAll(async () => {
    await broker?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function gatewayWith(topic: string, security: Record<string, unknown>): Promise<TestGateway> {
    const gw = await startTestGateway({
      'kafka.brokers': broker.brokers,
      'kafka.topic': topic,
      'kafka.commandsTopic': '',
      'kafka.idleMs': 50,
      'kafka.retryMinDelayMs': 50,
      'kafka.retryMaxDelayMs': 200,
      ...security,
    });
    await gw.start();
    for (let i = 0; i < 5; i++) {
      const r = makeAddEventRequest({ deviceName: 'tls-1' });
      const res = await gw.server.inject({
        method: 'POST',
        url: '/api/v3/event/svc/dht22/tls-1/climate',
        headers: { 'content-type': 'application/json' },
        payload: stringifyEdgex(r),
      });
      expect(res.statusCode).toBe(201);
    }
    return gw;
  }

  const secure = (password: string) => ({
    'kafka.ssl.enabled': true,
    'kafka.ssl.caFile': certs.ca,
    'kafka.sasl.mechanism': 'plain',
    'kafka.sasl.username': sasl.username,
    'kafka.sasl.password': password,
  });

  it('forwards every event with the CA and the password; a consumer with the same settings reads them', async () => {
    const topic = uniqueTopic('tls');
    const gw = await gatewayWith(topic, secure(sasl.password));
    try {
      await waitFor(async () => (await gw.store.stats()).pending === 0, 'events forwarded', 15_000);
      const kafka = new Kafka({
        clientId: 't',
        brokers: broker.brokers,
        logLevel: logLevel.NOTHING,
        ssl: { ca: [readFileSync(certs.ca, 'utf8')] },
        sasl: { mechanism: 'plain', ...sasl },
      });
      const admin = kafka.admin();
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(topic);
      await admin.disconnect();
      expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(5);
    } finally {
      await gw.dispose();
    }
  });

  it('forwards nothing with a wrong password or without TLS, and counts the failed attempts', {
    timeout: 150_000,
  }, async () => {
    for (const security of [
      secure('wrong-password-0001'),
      {
        'kafka.sasl.mechanism': 'plain',
        ...{ 'kafka.sasl.username': 'gateway', 'kafka.sasl.password': sasl.password },
      },
    ]) {
      const gw = await gatewayWith(uniqueTopic('tls-bad'), security);
      try {
        await waitFor(
          async () => (await metricValue(gw.metrics.registry, 'hvac_gateway_forward_retries_total')) >= 1,
          'publish attempts failing',
          60_000,
        );
        expect((await gw.store.stats()).pending).toBe(5);
      } finally {
        await gw.dispose();
      }
    }
  });
});
