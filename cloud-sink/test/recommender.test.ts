import { type EnrichedEvent, msToOrigin } from '@hvac-edge/shared';
import { makeEvent } from '@hvac-edge/test/support';
import { describe, expect, it } from 'vitest';
import { DECIDED_BY, Recommender } from '../src/inference/recommender.js';
import type { SetpointModel, Window } from '../src/inference/setpoint-model.js';

/** A model that answers with the newest reading's temperature, and remembers what it was asked. */
class EchoModel implements SetpointModel {
  readonly id = 'echo@1';
  readonly backend = 'test';
  readonly seen: Window[] = [];
  async predict(windows: Window[]) {
    this.seen.push(...windows);
    return windows.map((w) => w.at(-1)?.[0] ?? 0);
  }
}

const t0 = Date.UTC(2026, 6, 1);
function message(device: string, atMs: number, temperature: number): EnrichedEvent {
  return {
    schemaVersion: 1,
    gatewayId: 'gw',
    receivedAt: atMs,
    sequence: 1,
    event: makeEvent({ deviceName: device, originNs: msToOrigin(atMs), temperature, humidity: 50 }),
    weather: {
      provider: 'fixed',
      observedAt: atMs,
      ageSeconds: 0,
      stale: false,
      temperatureC: 30,
      humidityPct: 70,
      weatherStatus: 6,
    },
  };
}

const options = {
  minSetpointC: 18,
  maxSetpointC: 27,
  defaultSetpointC: 24,
  sampleSpacingSeconds: 60,
  upperLimitC: 27,
  guardBandC: 0.5,
  calibrate: false,
};

describe('Recommender windows', () => {
  it('samples one reading per spacing interval, so 10-second readings make one-minute windows', async () => {
    const model = new EchoModel();
    const r = new Recommender(model, options);
    const msgs = Array.from({ length: 60 }, (_, i) => message('a', t0 + i * 10_000, 20 + i / 10));
    const { points } = await r.recommend(msgs);
    // Readings at 0, 60, ..., 540 s enter the window; the window is full from the sixth (300 s) on.
    expect(points).toHaveLength(5);
    expect(model.seen[0]?.map((row) => row[0])).toEqual([20, 20.6, 21.2, 21.8, 22.4, 23]);
    expect(points[0]?.fields.recommended_setpoint).toBe(23);
  });

  it('clamps to the safe range, and a long gap starts the window again', async () => {
    const model = new EchoModel();
    const r = new Recommender(model, options);
    // The model asks for 35 °C in a room at 35 °C: the supervisor overrides it (room air far above the limit).
    const first = Array.from({ length: 6 }, (_, i) => message('b', t0 + i * 60_000, 35));
    const { points } = await r.recommend(first);
    expect(points.map((p) => p.fields.recommended_setpoint)).toEqual([18]);
    expect(points[0]?.fields).toMatchObject({ model_setpoint: 35, decided_by: DECIDED_BY.supervisor });
    const later = Array.from({ length: 5 }, (_, i) => message('b', t0 + 3_600_000 + i * 60_000, 10));
    expect((await r.recommend(later)).points).toHaveLength(0);
    const sixth = await r.recommend([message('b', t0 + 3_600_000 + 5 * 60_000, 10)]);
    expect(sixth.points[0]?.fields.recommended_setpoint).toBe(18);
  });
});
