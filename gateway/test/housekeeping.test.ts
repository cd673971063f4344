import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeEvent, makeTempDir } from '@hvac-edge/test/support';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandQueue } from '../src/commands/command-queue.js';
import { Housekeeping } from '../src/housekeeping.js';
import { LocalDatabase } from '../src/local/local-database.js';
import { GatewayMetrics } from '../src/metrics.js';
import { startTestGateway, type TestGateway } from './helpers.js';

describe('Housekeeping', () => {
  let gw: TestGateway | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await gw?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const retention = { schedule: '0 * * * *', forwardedMaxAgeHours: 1, maxCap: 0, minCap: 0, maxDiskBytes: 0 };

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
    dir = await makeTempDir('housekeeping-');
    const local = new LocalDatabase({ path: join(dir, 'gw.db'), synchronous: 'normal', eventTables: false });
    local.open();
    let now = Date.now();
    const metrics = new GatewayMetrics({ defaultMetrics: false });
    const queue = new CommandQueue(
      local,
      metrics,
      { minSetpointC: 16, maxSetpointC: 30, maxPerDevicePerMinute: 0 },
      pino({ level: 'silent' }),
      () => now,
    );
    const base = { device: 'd', command: 'setpoint' as const, value: 24, source: 'test', createdAt: now };
    await queue.enqueue({ ...base, id: 'old', expiresAt: now + 1_000 }, 'reject');
    await queue.enqueue({ ...base, id: 'live', expiresAt: now + 60_000 }, 'reject');
    now += 2_000;
    const job = new Housekeeping(
      { purge: async () => ({}) } as never,
      queue,
      retention,
      metrics,
      pino({ level: 'silent' }),
    );
    await job.runOnce();
    // An idempotency key is remembered until its command is purged: the expired one's key is free again, the live
    // one's is not.
    expect((await queue.enqueue({ ...base, id: 'old', expiresAt: now + 60_000 }, 'reject')).outcome).toBe('queued');
    expect((await queue.enqueue({ ...base, id: 'live', expiresAt: now + 60_000 }, 'reject')).outcome).toBe('duplicate');
    local.close();
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
