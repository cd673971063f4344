import {
  type DecisionSource,
  type EnrichedEvent,
  originMs,
  SupervisedProposals,
  type SupervisorLimits,
  supervisorLimits,
} from '@hvac-edge/shared';
import { locationOf, type PointRecord, readingNumber } from '../points.js';
import type { Recommendation } from './closed-loop.js';
import { type InputRanges, inRanges } from './input-ranges.js';
import type { SetpointModel, Window } from './setpoint-model.js';
import { WINDOW } from './setpoint-model.js';

export const RECOMMENDATION = 'hvac_recommendation';

/**
 * Who decided a recommendation, as the integer field `decided_by` of its point (a field, not a tag: a replay that
 * decides differently must overwrite the same series, not add one).
 */
export const DECIDED_BY = { model: 0, supervisor: 1, fallback: 2 } as const;
export type DecidedBy = keyof typeof DECIDED_BY;

const decidedBy = (source: DecisionSource): DecidedBy => (source === 'proposal' ? 'model' : source);

/** The name for a `decided_by` field value (undefined for points written before the field existed). */
export function decidedByName(code: number | undefined): DecidedBy | undefined {
  return (Object.keys(DECIDED_BY) as DecidedBy[]).find((k) => DECIDED_BY[k] === code);
}

/** Counts each decision (the supervisor's overrides and the fallbacks, with their reason). */
export type DecisionObserver = (by: DecidedBy, reason: string | undefined) => void;

export interface RecommenderOptions {
  minSetpointC: number;
  maxSetpointC: number;
  /** Set-point feature for devices that report none. */
  defaultSetpointC: number;
  /** Minimum spacing of readings in a window (s); 0 = every reading. */
  sampleSpacingSeconds: number;
  /** Room air limit the supervisor holds (°C) and its guard band (K). */
  upperLimitC: number;
  guardBandC: number;
  /** Learn a per-device offset on the model's proposals from the room's tracking error. */
  calibrate: boolean;
}

interface DeviceWindow {
  rows: Window;
  /** Origin (Unix ms) of each row. */
  times: number[];
  lastOriginMs: number;
  /** The device's calibration and supervisor (kept across windows: the calibration learns). */
  supervised: SupervisedProposals;
}

/**
 * Per device, the last six enriched readings (indoor temperature and humidity, outdoor temperature and humidity,
 * weather status, current set-point) feed the model once the window is full, for every event after that; all
 * windows of a batch go through the model in one call. Events without weather or without both indoor values do not
 * enter a window, nor do readings closer than the sample spacing to the previous one (the model was trained on
 * one-minute readings; an agent reading every 10 s would otherwise feed it a window six times too short). Each
 * proposal, moved by the device's online calibration, is judged by the safety supervisor (shared/control) on the
 * window's own room air before it becomes a recommendation. Windows and calibrations live in memory: after a
 * restart or a rebalance a device needs six readings again, and its offset is learned again.
 */
export class Recommender {
  private readonly windows = new Map<string, DeviceWindow>();
  private readonly limits: SupervisorLimits;
  private readonly ranges: InputRanges | undefined;

  constructor(
    private readonly model: SetpointModel,
    private readonly options: RecommenderOptions,
    private readonly onDecision: DecisionObserver = () => {},
  ) {
    this.limits = supervisorLimits(options);
    this.ranges = model.inputRanges;
  }

  get modelId(): string {
    return this.model.id;
  }

  /** The TensorFlow.js backend the model runs on (tensorflow or wasm). */
  get backend(): string {
    return this.model.backend;
  }

  async recommend(events: EnrichedEvent[]): Promise<{ points: PointRecord[]; recommendations: Recommendation[] }> {
    const pending: Array<{ m: EnrichedEvent; at: number; state: DeviceWindow; current: number | undefined }> = [];
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
      // Each device's window is updated in place, and the batch takes a copy: a new window per reading lived until
      // the device's next one (seconds), so every one was promoted to the old generation and died there.
      const state: DeviceWindow = prev ?? {
        rows: [],
        times: [],
        lastOriginMs: at,
        supervised: new SupervisedProposals(this.limits, this.options.calibrate ? undefined : false),
      };
      if (fresh) {
        state.rows.length = 0;
        state.times.length = 0;
      }
      state.rows.push(row);
      state.times.push(at);
      if (state.rows.length > WINDOW) {
        state.rows.shift();
        state.times.shift();
      }
      state.lastOriginMs = at;
      if (!prev) this.windows.set(m.event.deviceName, state);
      if (state.rows.length === WINDOW) {
        pending.push({ m, at, state: { ...state, rows: state.rows.slice(), times: state.times.slice() }, current });
      }
    }
    if (pending.length === 0) return { points: [], recommendations: [] };
    const predicted = await this.model.predict(pending.map((p) => p.state.rows));
    const recommendations: Recommendation[] = [];
    const points = pending.map(({ m, at, state, current }, i): PointRecord => {
      const raw = predicted[i] ?? Number.NaN;
      const d = this.supervise(state, raw, current);
      const setpoint = d.setpointC;
      const by = decidedBy(d.source);
      this.onDecision(by, d.reason);
      recommendations.push({ device: m.event.deviceName, setpoint, current, at });
      const location = locationOf(m.event);
      return {
        measurement: RECOMMENDATION,
        tags: { device: m.event.deviceName, model: this.model.id, ...(location ? { location } : {}) },
        fields: {
          recommended_setpoint: setpoint,
          ...(Number.isFinite(raw) ? { model_setpoint: Math.round(raw * 100) / 100 } : {}),
          decided_by: DECIDED_BY[by],
          ...(current === undefined ? {} : { current_setpoint: current }),
        },
        integers: ['decided_by'],
        time: m.event.origin.toString(),
      };
    });
    return { points, recommendations };
  }

  /**
   * The model's proposal, moved by the device's learned offset, judged by the safety supervisor on the window's own
   * room air. A device that reports no set-point is judged as if it ran on the default one.
   */
  private supervise(state: DeviceWindow, raw: number, current: number | undefined) {
    return state.supervised.decide({
      recent: state.rows.map((row, k) => ({ atMs: state.times[k] as number, airC: row[0] as number })),
      currentC: current ?? this.options.defaultSetpointC,
      proposedC: raw,
      inDistribution: !this.ranges || inRanges(state.rows, this.ranges),
    });
  }
}
