import { InfluxDB, Point } from '@influxdata/influxdb-client';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MosquittoServer, startMosquitto, startVictoriaMetrics, type VictoriaMetricsServer } from './index.js';

// The harness itself: real servers start on random ports, carry traffic, and stop.
describe('test harness: real local servers', () => {
  let broker: MosquittoServer;
  let vm: VictoriaMetricsServer;

  beforeAll(async () => {
    [broker, vm] = await Promise.all([startMosquitto(), startVictoriaMetrics()]);
  });
  afterAll(async () => {
    await Promise.all([broker?.stop(), vm?.stop()]);
  });

  it('Mosquitto delivers QoS 1 messages beyond the stock 1000-message queue limit', async () => {
    // A persistent-session subscriber goes away; 1500 messages are queued for it; all must arrive on return.
    const clientId = `sub-${process.pid}`;
    const sub1 = await mqtt.connectAsync(broker.url, { clientId, clean: false });
    await sub1.subscribeAsync('t/queue', { qos: 1 });
    await sub1.endAsync();
    const pub = await mqtt.connectAsync(broker.url);
    for (let i = 0; i < 1500; i++) await pub.publishAsync('t/queue', String(i), { qos: 1 });
    await pub.endAsync();
    const got = new Set<string>();
    // Listen before connecting: the broker sends the queue right after CONNACK.
    const sub2 = mqtt.connect(broker.url, { clientId, clean: false });
    await new Promise<void>((resolve) => {
      sub2.on('message', (_t, payload) => {
        got.add(payload.toString());
        if (got.size === 1500) resolve();
      });
    });
    await sub2.endAsync();
    expect(got.size).toBe(1500);
  });

  it('VictoriaMetrics accepts the InfluxDB v2 write API from @influxdata/influxdb-client', async () => {
    const writer = new InfluxDB({ url: vm.url, token: 'unused' }).getWriteApi('org', 'bucket', 'ms');
    writer.writePoint(
      new Point('harness').tag('device', 'd1').floatField('temperature', 21.5).timestamp(1_700_000_000_000),
    );
    await writer.close();
    const series = await vm.exportSeries('harness_temperature');
    expect(series).toHaveLength(1);
    expect(series[0]?.metric.device).toBe('d1');
    expect(series[0]?.values).toEqual([21.5]);
    expect(series[0]?.timestamps).toEqual([1_700_000_000_000]);
  });

  it('servers write their output for failure reports', () => {
    expect(typeof broker.logs()).toBe('string');
  });
});
