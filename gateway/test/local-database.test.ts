import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@hvac-edge/test/support';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandQueue } from '../src/commands/command-queue.js';
import { LocalDatabase } from '../src/local/local-database.js';
import { GatewayMetrics } from '../src/metrics.js';

const FULL = 2;
const NORMAL = 1;

describe('LocalDatabase transactions without an fsync of their own', () => {
  const dirs: string[] = [];
  const open = async (synchronous: 'full' | 'normal') => {
    const dir = await makeTempDir('local-db');
    dirs.push(dir);
    const local = new LocalDatabase({ path: join(dir, 'gateway.db'), synchronous, eventTables: false });
    local.open();
    return local;
  };
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  const syncLevel = (local: LocalDatabase) => local.connection.pragma('synchronous', { simple: true });

  it('commits without a sync only when asked, and is synchronous=full again after it, also when it throws', async () => {
    const local = await open('full');
    expect(local.transaction(false, () => syncLevel(local))).toBe(FULL);
    expect(local.transaction(true, () => syncLevel(local))).toBe(NORMAL);
    expect(syncLevel(local)).toBe(FULL);
    const insert = local.connection.prepare(
      "INSERT INTO metadata (kind, name, id, body, created) VALUES ('device', ?, ?, '{}', 0)",
    );
    expect(() =>
      local.transaction(true, () => {
        insert.run('a', 'a');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(syncLevel(local)).toBe(FULL);
    // Rolled back as any transaction.
    expect(local.connection.prepare('SELECT COUNT(*) FROM metadata').pluck().get()).toBe(0);
    local.close();
  });

  it('leaves a synchronous=normal file as it is', async () => {
    const local = await open('normal');
    expect(local.transaction(true, () => syncLevel(local))).toBe(NORMAL);
    expect(syncLevel(local)).toBe(NORMAL);
    local.close();
  });

  it("queues the embedded sink's recommendations without a sync, readable at once and after a reopen", async () => {
    const local = await open('full');
    const log = pino({ level: 'silent' });
    const policy = { minSetpointC: 16, maxSetpointC: 30, maxPerDevicePerMinute: 0 };
    const queue = new CommandQueue(local, new GatewayMetrics({ defaultMetrics: false }), policy, log);
    const now = Date.now();
    const rec = (device: string, setpoint: number) => ({
      schemaVersion: 1 as const,
      device,
      setpoint,
      model: 'm1',
      idempotencyKey: `${device}-${setpoint}`,
      issuedAt: now,
      expiresAt: now + 60_000,
    });
    const results = await queue.enqueueRecommendations([rec('d1', 22), rec('d2', 40)], 'embedded', {
      syncedByForwardMark: true,
    });
    expect(results.map((r) => r.outcome)).toEqual(['queued', 'clamped']);
    expect(syncLevel(local)).toBe(FULL);
    expect(queue.after('d2', 0).map((c) => c.value)).toEqual([30]);
    local.close();
    local.open();
    const again = new CommandQueue(local, new GatewayMetrics({ defaultMetrics: false }), policy, log);
    expect(again.after('d1', 0).map((c) => [c.value, c.source])).toEqual([[22, 'embedded:m1']]);
    local.close();
  });
});
