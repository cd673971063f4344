import { makeEnrichedEvent, metricValue } from '@hvac-edge/test/support';
import { describe, expect, it } from 'vitest';
import { SinkMetrics } from '../src/metrics.js';
import { SinkPipeline } from '../src/pipeline.js';
import type { PointRecord } from '../src/points.js';

describe('SinkPipeline', () => {
  it('counts the events whose device agent held its set-point below the commanded one, and writes the command', async () => {
    const written: PointRecord[] = [];
    const writer = {
      write: async (p: PointRecord[]) => void written.push(...p),
      ping: async () => true,
      close: async () => {},
    };
    const metrics = new SinkMetrics({ defaultMetrics: false });
    const pipeline = new SinkPipeline(writer, metrics);
    const held = makeEnrichedEvent({ origin: 1n, readings: { temperature: '26.9', setpoint: '23.5' } });
    held.event.tags = { guard: 'holding', commandedSetpoint: 27 };
    const normal = makeEnrichedEvent({ origin: 2n, readings: { temperature: '24', setpoint: '24' } });
    await pipeline.process([held, normal]);
    expect(await metricValue(metrics.registry, 'hvac_sink_agent_guard_holding_events_total')).toBe(1);
    expect(await metricValue(metrics.registry, 'hvac_sink_events_total')).toBe(2);
    expect(written.map((p) => p.fields.commanded_setpoint)).toEqual([27, undefined]);
  });
});
