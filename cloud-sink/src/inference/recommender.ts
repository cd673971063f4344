import { type EnrichedEvent, originMs } from '@hvac-edge/shared';
import { locationOf, type PointRecord, readingNumber } from '../points.js';
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
    private readonly options: RecommenderOptions,
  ) {}

  get modelId(): string {
    return this.model.id;
  }

  /** The TensorFlow.js backend the model runs on (tensorflow or wasm). */
  get backend(): string {
    return this.model.backend;
  }

  async recommend(events: EnrichedEvent[]): Promise<{ points: PointRecord[]; recommendations: Recommendation[] }> {
    const pending: Array<{ m: EnrichedEvent; at: number; window: Window; current: number | undefined }> = [];
    const spacingMs = this.options.sampleSpacingSeconds * 1000;
    for (const m of events) {
      const t = readingNumber(m.event, 'temperature');
      const h = readingNumber(m.event, 'humidity');
      if (t === undefined || h === undefined || !m.weather) continue;
      const at = originMs(m.event.origin);
      const prev = this.windows.get(m.event.deviceName);
      if (prev && at - prev.lastOriginMs < spacingMs) continue;
      const current = readingNumber(m.event, 'setpoint');
      const row = [
        t,
        h,
        m.weather.temperatureC,
        m.weather.humidityPct,
        m.weather.weatherStatus,
        current ?? this.options.defaultSetpointC,
      ];
      const fresh = !prev || (spacingMs > 0 && at - prev.lastOriginMs > 10 * spacingMs);
      const w = [...(fresh ? [] : prev.rows), row].slice(-WINDOW);
      this.windows.set(m.event.deviceName, { rows: w, lastOriginMs: at });
      if (w.length === WINDOW) pending.push({ m, at, window: w, current });
    }
    if (pending.length === 0) return { points: [], recommendations: [] };
    const predicted = await this.model.predict(pending.map((p) => p.window));
    const recommendations: Recommendation[] = [];
    const points = pending.map(({ m, at, current }, i): PointRecord => {
      const raw = predicted[i] ?? Number.NaN;
      const clamped = Math.min(this.options.maxSetpointC, Math.max(this.options.minSetpointC, raw));
      const setpoint = Math.round(clamped * 10) / 10;
      recommendations.push({ device: m.event.deviceName, setpoint, current, at });
      const location = locationOf(m.event);
      return {
        measurement: RECOMMENDATION,
        tags: { device: m.event.deviceName, model: this.model.id, ...(location ? { location } : {}) },
        fields: { recommended_setpoint: setpoint, ...(current === undefined ? {} : { current_setpoint: current }) },
        time: m.event.origin.toString(),
      };
    });
    return { points, recommendations };
  }
}
