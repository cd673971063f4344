import { createLogger } from '@hvac-edge/shared';
import type { AlertEvent } from '@hvac-edge/shared/alerts';
import { simulateSite } from '@hvac-edge/shared/sim';
import { makeEnrichedEvent, metricValue } from '@hvac-edge/test/support';
import { describe, expect, it } from 'vitest';
import { ANOMALY, RoomAnomalies } from '../src/anomaly/room-anomalies.js';
import { SinkMetrics } from '../src/metrics.js';
import { SinkPipeline } from '../src/pipeline.js';
import type { PointRecord } from '../src/points.js';

/** A point writer that keeps what it is given. */
function recordingWriter() {
  const written: PointRecord[] = [];
  const writer = {
    write: async (p: PointRecord[]) => void written.push(...p),
    ping: async () => true,
    close: async () => {},
  };
  return { written, writer };
}

describe('SinkPipeline', () => {
  it('counts the events whose device agent held its set-point below the commanded one, and writes the command', async () => {
    const { written, writer } = recordingWriter();
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

describe('SinkPipeline: room climate anomalies', () => {
  it('writes hvac_anomaly points for a simulated cooling failure within 15 minutes of its onset, and none before', async () => {
    const { written, writer } = recordingWriter();
    const metrics = new SinkMetrics({ defaultMetrics: false });
    const alerts: AlertEvent[] = [];
    const pipeline = new SinkPipeline(
      writer,
      metrics,
      undefined,
      undefined,
      new RoomAnomalies(metrics, createLogger('t', { level: 'silent' }), [
        { publish: async (e) => void alerts.push(e) },
      ]),
    );
    const onset = 3 * 1440 + 600;
    const t0 = Date.UTC(2026, 6, 1);
    const batch: ReturnType<typeof makeEnrichedEvent>[] = [];
    const batches: (typeof batch)[] = [];
    simulateSite(
      { rooms: 3, days: 4, seed: 11, faults: [{ kind: 'cooling-failure', room: 1, startMinute: onset, minutes: 45 }] },
      (r) => {
        batch.push(
          makeEnrichedEvent({
            deviceName: `room-${r.room}`,
            origin: BigInt(t0 + r.minute * 60_000) * 1_000_000n,
            location: 'site-a',
            readings: { temperature: String(r.airC), humidity: String(r.humidityPct), setpoint: String(r.setpointC) },
          }),
        );
        if (batch.length >= 300) batches.push(batch.splice(0));
      },
    );
    batches.push(batch.splice(0));
    for (const b of batches) await pipeline.process(b);
    const anomalies = written.filter((p) => p.measurement === ANOMALY);
    expect(anomalies.length).toBeGreaterThan(0);
    const minuteOf = (p: PointRecord) => (Number(BigInt(p.time) / 1_000_000n) - t0) / 60_000;
    expect(anomalies.every((p) => p.tags.device === 'room-1' && p.tags.kind === 'cooling-failure')).toBe(true);
    const first = Math.min(...anomalies.map(minuteOf));
    expect(first).toBeGreaterThanOrEqual(onset);
    expect(first).toBeLessThanOrEqual(onset + 15);
    expect(anomalies.every((p) => (p.fields.score as number) > 0 && (p.fields.score as number) <= 1)).toBe(true);
    expect(
      await metricValue(metrics.registry, 'hvac_sink_room_anomalies_total', {
        kind: 'cooling-failure',
        state: 'firing',
      }),
    ).toBe(1);
    expect(
      await metricValue(metrics.registry, 'hvac_sink_room_anomalies_total', {
        kind: 'cooling-failure',
        state: 'resolved',
      }),
    ).toBe(1);
    // The same episode as alert events, in the gateway's alert shape.
    expect(alerts).toMatchObject([
      { rule: 'room-cooling-failure', target: 'room-1', metric: 'temperature', state: 'firing', level: 'critical' },
      { rule: 'room-cooling-failure', target: 'room-1', state: 'resolved' },
    ]);
  });
});
