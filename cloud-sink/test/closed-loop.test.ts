import type { SetpointCommand } from '@hvac-edge/shared';
import { metricValue } from '@hvac-edge/test/support';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ClosedLoop } from '../src/inference/closed-loop.js';
import { SinkMetrics } from '../src/metrics.js';

describe('ClosedLoop', () => {
  it('sends at most one command per device per interval, only beyond the deadband, newest recommendation first', async () => {
    const sent: SetpointCommand[] = [];
    const commands = { deliver: async (cmds: SetpointCommand[]) => void sent.push(...cmds) };
    const clock = { now: 1_000_000 };
    const metrics = new SinkMetrics({ defaultMetrics: false });
    const loop = new ClosedLoop(
      commands,
      'm@1',
      { intervalSeconds: 60, deadbandC: 0.5, ttlSeconds: 120 },
      metrics,
      pino({ level: 'silent' }),
      () => clock.now,
    );
    const rec = (device: string, setpoint: number, at: number, current?: number) => ({ device, setpoint, at, current });

    await loop.offer([rec('a', 23.9, 1, 24), rec('b', 22, 1, 24), rec('b', 21.5, 2, 24)]);
    // a: 0.1 from its current set-point: within the deadband. b: the newest (21.5) is sent.
    expect(sent.map((c) => [c.device, c.setpoint])).toEqual([['b', 21.5]]);
    expect(sent[0]).toEqual({
      schemaVersion: 1,
      device: 'b',
      setpoint: 21.5,
      model: 'm@1',
      idempotencyKey: 'm@1:b:2',
      issuedAt: 1_000_000,
      expiresAt: 1_120_000,
    });
    clock.now += 30_000;
    await loop.offer([rec('b', 20, 3)]); // inside b's interval
    clock.now += 31_000;
    await loop.offer([rec('b', 21.8, 4)]); // past it, but 0.3 from the last command
    await loop.offer([rec('b', 20.5, 5)]); // past it and 1.0 away
    expect(sent.map((c) => c.setpoint)).toEqual([21.5, 20.5]);
    expect(await metricValue(metrics.registry, 'hvac_sink_commands_total')).toBe(2);
  });
});
