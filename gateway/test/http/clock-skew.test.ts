import { msToOrigin } from '@hvac-edge/shared';
import { makeAddEventRequest, metricValue } from '@hvac-edge/test/support';
import { afterEach, describe, expect, it } from 'vitest';
import { injectEvent, startTestGateway, type TestGateway } from '../helpers.js';

/** Events from a device whose clock is off are kept, tagged with the skew, and counted by device. */
describe('clock skew of devices', () => {
  let gw: TestGateway;
  afterEach(async () => gw.dispose());

  const post = async (device: string, originMsValue: number) => {
    const req = makeAddEventRequest({ deviceName: device, originNs: msToOrigin(originMsValue) });
    const res = await injectEvent(gw, req);
    expect(res.statusCode).toBe(201);
    return (await gw.store.getById(req.event.id))?.event.tags;
  };

  it('tags an origin 10 min ahead or 40 days behind, counts it by device and direction, leaves the rest alone', async () => {
    gw = await startTestGateway();
    const now = Date.now();
    expect((await post('fast', now + 600_000))?.clockSkewSeconds).toMatch(/^(599|600|601)$/);
    expect(Number((await post('unset', now - 40 * 86_400_000))?.clockSkewSeconds)).toBeLessThan(-39 * 86_400);
    expect((await post('good', now - 3_600_000))?.clockSkewSeconds).toBeUndefined();
    const count = (device: string, direction: string) =>
      metricValue(gw.metrics.registry, 'hvac_gateway_clock_skew_events_total', { device, direction });
    expect([await count('fast', 'ahead'), await count('unset', 'behind'), await count('good', 'ahead')]).toEqual([
      1, 1, 0,
    ]);
  });
});
