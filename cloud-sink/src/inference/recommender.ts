import { type EnrichedEvent, originMs } from '@hvac-edge/shared';
import { Point } from '@influxdata/influxdb-client';
import { originTimestamp } from '../points.js';
import type { Recommendation } from './closed-loop.js';
import type { SetpointModel, Window } from './setpoint-model.js';
import { WINDOW } from './setpoint-model.js';

export const RECOMMENDATION = 'hvac_recommendation';

export interface RecommenderOptions {
  minSetpointC: number;
  maxSetpointC: number;
  /** Set-point feature for devices that report none. */
  defaultSetpointC: number;
  /** Minimum spacing of readings in a window (s); 0 = every reading. */
  sampleSpacingSeconds: number;
}

interface DeviceWindow {
  rows: Window;
  lastOriginMs: number;
}

function reading(e: EnrichedEvent['event'], name: string): number | undefined {
  const v = Number(e.readings.find((r) => r.resourceName === name)?.value);
  return Number.isFinite(v) ? v : undefined;
}

/**
 * Per device, the last six enriched readings (indoor temperature and humidity, outdoor temperature and humidity,
 * weather status, current set-point) feed the model once the window is full, for every event after that; all
 * windows of a batch go through the model in one call. Events without weather or without both indoor values do not
 * enter a window, nor do readings closer than the sample spacing to the previous one (the model was trained on
 * one-minute readings; an agent reading every 10 s would otherwise feed it a window six times too short). Windows
 * live in memory: after a restart or a rebalance a device needs six readings again.
 */
export class Recommender {
  private readonly windows = new Map<string, DeviceWindow>();

  constructor(
    private readonly model: SetpointModel,
    private readonly o: RecommenderOptions,
  ) {}

  get modelId(): string {
    return this.model.id;
  }

  async recommend(events: EnrichedEvent[]): Promise<{ points: Point[]; recommendations: Recommendation[] }> {
    const pending: Array<{ m: EnrichedEvent; at: number; window: Window; current: number }> = [];
    for (const m of events) {
      const t = reading(m.event, 'temperature');
      const h = reading(m.event, 'humidity');
      if (t === undefined || h === undefined || !m.weather) continue;
      const at = originMs(m.event.origin);
      const spacingMs = this.o.sampleSpacingSeconds * 1000;
      const prev = this.windows.get(m.event.deviceName);
      if (prev && at - prev.lastOriginMs < spacingMs) continue;
      const reported = reading(m.event, 'setpoint');
      const current = reported ?? this.o.defaultSetpointC;
      const row = [t, h, m.weather.temperatureC, m.weather.humidityPct, m.weather.weatherStatus, current];
      const fresh = !prev || (spacingMs > 0 && at - prev.lastOriginMs > 10 * spacingMs);
      const w = [...(fresh ? [] : prev.rows), row].slice(-WINDOW);
      this.windows.set(m.event.deviceName, { rows: w, lastOriginMs: at });
      if (w.length === WINDOW) pending.push({ m, at, window: w, current: reported ?? Number.NaN });
    }
    if (pending.length === 0) return { points: [], recommendations: [] };
    const predicted = await this.model.predict(pending.map((p) => p.window));
    const recommendations: Recommendation[] = [];
    const points = pending.map(({ m, at, current }, i) => {
      const raw = predicted[i] ?? Number.NaN;
      const clamped = Math.min(this.o.maxSetpointC, Math.max(this.o.minSetpointC, raw));
      const location = typeof m.event.tags?.location === 'string' ? m.event.tags.location : '';
      const p = new Point(RECOMMENDATION).tag('device', m.event.deviceName).tag('model', this.model.id);
      if (location) p.tag('location', location);
      const setpoint = Math.round(clamped * 10) / 10;
      p.floatField('recommended_setpoint', setpoint);
      recommendations.push({
        device: m.event.deviceName,
        setpoint,
        current: Number.isFinite(current) ? current : undefined,
        at,
      });
      if (Number.isFinite(current)) p.floatField('current_setpoint', current);
      p.timestamp(originTimestamp(m.event.origin));
      return p;
    });
    return { points, recommendations };
  }
}
