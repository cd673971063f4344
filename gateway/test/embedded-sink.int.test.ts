import { rm } from 'node:fs/promises';
import { msToOrigin, stringifyEdgex } from '@hvac-edge/shared';
import { makeAddEventRequest, makeTempDir, waitFor } from '@hvac-edge/test/support';
import { afterEach, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../src/config.js';
import { startTestGateway, type TestGateway } from './helpers.js';

let gw: TestGateway | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await gw?.dispose();
  await cleanup?.();
  gw = undefined;
});

interface Summary {
  model: string;
  events: number;
  climatePoints: number;
  recommendationPoints: number;
  commandsSent: number;
  devices: Array<Record<string, number | string>>;
}

describe('gateway with the cloud sink embedded (single box, no Kafka)', () => {
  it('turns stored events into points and recommendations, and queues the closed loop command for the device', async () => {
    const dir = await makeTempDir('embedded');
    cleanup = () => rm(dir, { recursive: true, force: true });
    gw = await startTestGateway({
      'embeddedSink.enabled': true,
      'embeddedSink.pointsPath': `${dir}/points.db`,
      'weather.provider': 'fixed',
      'kafka.idleMs': 20,
      'embeddedSink.inference.sampleSpacingSeconds': 0,
      'embeddedSink.closedLoop.enabled': true,
      'embeddedSink.closedLoop.intervalSeconds': 1,
    });
    await gw.start();
    // A start whose origin in ns a double cannot hold (it would round below the millisecond): the origins are exact
    // bigints, so the command's key still names the recommendation's time.
    let t0 = Date.now() - 60_000;
    while (Math.floor((t0 * 1_000_000) / 1_000_000) === t0) t0 += 1;
    for (let i = 0; i < 8; i++) {
      const body = makeAddEventRequest({
        deviceName: 'r1',
        originNs: msToOrigin(t0 + i * 5000),
        temperature: 19 + i * 0.1,
      });
      body.event.readings.push({
        ...(body.event.readings[0] as (typeof body.event.readings)[0]),
        resourceName: 'setpoint',
        value: '18',
      });
      const res = await gw.server.inject({
        method: 'POST',
        url: '/api/v3/event/svc/dht22/r1/climate',
        payload: stringifyEdgex(body),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.statusCode).toBe(201);
    }
    const summary = async () =>
      (await gw?.server.inject({ method: 'GET', url: '/api/v3/sink/summary' }))?.json() as Summary;
    await waitFor(async () => (await summary()).events === 8, 'all events through the embedded sink', 30_000);
    const s = await summary();
    expect(s).toMatchObject({ model: 'hvac-setpoint@1', climatePoints: 8, recommendationPoints: 3 });
    expect(s.devices).toEqual([
      expect.objectContaining({
        device: 'r1',
        temperature: 19.7,
        ext_temperature: 25,
        weather_stat: 6,
        aircon_setpoint: 18,
      }),
    ]);
    const recommended = s.devices[0]?.recommended_setpoint as number;
    expect(recommended).toBeGreaterThanOrEqual(18);
    expect(recommended).toBeLessThanOrEqual(27);
    // The room sits 1.7 K above an 18 °C set-point: the model recommends a warmer one, which goes to the queue.
    expect(recommended).toBeGreaterThan(20);
    // One command (interval 1 s): for the newest recommendation of the batch it came with. The forwarder may split
    // the eight events over batches, so that is the recommendation at the reading time its idempotency key names.
    expect(s.commandsSent).toBe(1);
    const queued = gw.commands.after('r1', 0);
    expect(queued).toEqual([expect.objectContaining({ device: 'r1', source: 'embedded:hvac-setpoint@1' })]);
    const recommendations = new Map(
      (gw.embeddedSink?.sink.points.query({ measurement: 'hvac_recommendation', device: 'r1' }) ?? []).map(
        (p) => [Number(BigInt(p.time) / 1_000_000n), p.fields.recommended_setpoint] as const,
      ),
    );
    expect(recommendations.size).toBe(3);
    const at = Number(queued[0]?.id.split(':').at(-1));
    expect(queued[0]?.id).toBe(`hvac-setpoint@1:r1:${at}`);
    expect(queued[0]?.value).toBe(recommendations.get(at));
    // Everything is marked forwarded once the sink has it: nothing keeps waiting in the store.
    await waitFor(async () => (await gw?.store.stats())?.pending === 0, 'events marked forwarded', 10_000);
  }, 60_000);

  it('refuses embedded sink and Kafka together, with the reason', () => {
    expect(() => loadGatewayConfig({}, { 'embeddedSink.enabled': true, 'kafka.brokers': ['127.0.0.1:9092'] })).toThrow(
      'embeddedSink.enabled and kafka.brokers are exclusive',
    );
  });
});
