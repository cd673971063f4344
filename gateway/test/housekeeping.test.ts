import { makeEvent } from '@hvac-edge/test/support';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Housekeeping } from '../src/housekeeping.js';
import { GatewayMetrics } from '../src/metrics.js';
import { startTestGateway, type TestGateway } from './helpers.js';

describe('Housekeeping', () => {
  let gw: TestGateway | undefined;
  afterEach(async () => gw?.dispose());

  it('purges forwarded events past their age and counts drops by reason', async () => {
    gw = await startTestGateway();
    const a = await gw.store.append(makeEvent());
    await gw.store.append(makeEvent());
    await gw.store.markForwarded([a.seq]);
    const metrics = new GatewayMetrics({ defaultMetrics: false });
    const job = new Housekeeping(
      gw.store,
      gw.commands,
      { ...gw.config.retention, forwardedMaxAgeHours: 1 },
      metrics,
      pino({ level: 'silent' }),
      () => Date.now() + 2 * 3_600_000,
    );
    expect(await job.runOnce()).toEqual({ forwarded_age: 1 });
    expect(await gw.store.stats()).toMatchObject({ total: 1, pending: 1 });
    expect(await metrics.registry.getSingleMetricAsString('hvac_gateway_events_dropped_total')).toMatch(
      /reason="forwarded_age"} 1/,
    );
  });

  it('drops the oldest events past the disk budget, counting them and logging every id', async () => {
    gw = await startTestGateway();
    const evs = Array.from({ length: 200 }, () => makeEvent());
    await Promise.all(evs.map((e) => gw?.store.append(e)));
    const bytes = (await gw.store.stats()).bytes;
    const lines: Array<{ eventIds?: string[]; reason?: string }> = [];
    const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const metrics = new GatewayMetrics({ defaultMetrics: false });
    const job = new Housekeeping(
      gw.store,
      gw.commands,
      { ...gw.config.retention, maxDiskBytes: Math.floor(bytes / 2) },
      metrics,
      log,
    );
    const result = await job.runOnce();
    const dropped = result.disk_budget ?? 0;
    expect(dropped).toBeGreaterThan(0);
    const logged = lines.filter((l) => l.reason === 'disk_budget').flatMap((l) => l.eventIds ?? []);
    expect(logged).toEqual(evs.slice(0, dropped).map((e) => e.id));
    expect(await metrics.registry.getSingleMetricAsString('hvac_gateway_events_dropped_total')).toMatch(
      new RegExp(`reason="disk_budget"} ${dropped}`),
    );
  });

  it('purges expired set-point commands on the same schedule', async () => {
    gw = await startTestGateway();
    const base = { device: 'd', command: 'setpoint' as const, value: 24, source: 'test', createdAt: Date.now() };
    gw.commands.enqueue({ ...base, id: 'old', expiresAt: Date.now() - 1 });
    gw.commands.enqueue({ ...base, id: 'live', expiresAt: Date.now() + 60_000 });
    await gw.housekeeping.runOnce();
    // An idempotency key is remembered until its command is purged: the expired one's key is free again, the live
    // one's is not.
    expect(gw.commands.enqueue({ ...base, id: 'old', expiresAt: Date.now() + 60_000 }).created).toBe(true);
    expect(gw.commands.enqueue({ ...base, id: 'live', expiresAt: Date.now() + 60_000 }).created).toBe(false);
  });

  it('refuses an invalid cron expression at start', () => {
    const job = new Housekeeping(
      {} as never,
      {} as never,
      { schedule: 'every day', forwardedMaxAgeHours: 1, maxCap: 0, minCap: 0, maxDiskBytes: 0 },
      new GatewayMetrics({ defaultMetrics: false }),
      pino({ level: 'silent' }),
    );
    expect(() => job.start()).toThrow(/retention\.schedule is not a cron expression/);
  });
});
