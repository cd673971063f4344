import { DEFAULT_IT_LOAD, generateItLoad, type ItLoadOptions } from './it-load.js';
import { deriveSeed } from './random.js';
import { DEFAULT_ROOM, type RoomInputs, type RoomParams } from './room.js';
import { type ClimateOptions, GWANGJU, generateWeather, MINUTES_PER_DAY, type OutdoorSeries } from './weather.js';

export interface ScenarioOptions {
  days: number;
  seed: number;
  /** Day of year (0-based) the scenario starts on. */
  startDayOfYear?: number;
  /** Weekday of the first day (0 = Monday, the default). */
  firstWeekday?: number;
  room?: Partial<RoomParams>;
  load?: Partial<ItLoadOptions>;
  climate?: Partial<ClimateOptions>;
}

/** Everything exogenous to the room, per minute, fixed in advance so an oracle can look ahead. */
export interface Scenario {
  readonly days: number;
  readonly minutes: number;
  readonly seed: number;
  readonly startDayOfYear: number;
  readonly room: RoomParams;
  readonly outdoor: OutdoorSeries;
  readonly itLoadW: Float64Array;
}

export function createScenario(o: ScenarioOptions): Scenario {
  const startDayOfYear = o.startDayOfYear ?? 0;
  return {
    days: o.days,
    minutes: o.days * MINUTES_PER_DAY,
    seed: o.seed,
    startDayOfYear,
    room: { ...DEFAULT_ROOM, ...o.room },
    outdoor: generateWeather(o.days, deriveSeed(o.seed, 1), startDayOfYear, { ...GWANGJU, ...o.climate }),
    itLoadW: generateItLoad(o.days, deriveSeed(o.seed, 2), { ...DEFAULT_IT_LOAD, ...o.load }, o.firstWeekday ?? 0),
  };
}

/** Inputs of minute `i` (clamped to the scenario's last minute, so a look-ahead may run past the end). */
export function inputsAt(sc: Scenario, i: number, setpointC: number): RoomInputs {
  const k = Math.min(i, sc.minutes - 1);
  return {
    outdoorC: sc.outdoor.temperatureC[k] ?? 0,
    outdoorRhPct: sc.outdoor.humidityPct[k] ?? 50,
    solar: sc.outdoor.solar[k] ?? 0,
    itLoadW: sc.itLoadW[k] ?? 0,
    setpointC,
  };
}

/** What a weather provider would report at minute `i`: the observation of the last 10-minute slot, 0.1 resolution. */
export function observedWeather(
  sc: Scenario,
  i: number,
): { temperatureC: number; humidityPct: number; status: number } {
  const k = Math.min(sc.minutes - 1, i - (i % 10));
  return {
    temperatureC: Math.round((sc.outdoor.temperatureC[k] ?? 0) * 10) / 10,
    humidityPct: Math.round(sc.outdoor.humidityPct[k] ?? 0),
    status: sc.outdoor.status[k] ?? 6,
  };
}

const DAY_MS = 86_400_000;

/**
 * The scenario of one wall-clock UTC day (`Math.floor(unixMs / 86_400_000)`), for things that run in real time: the
 * agent's simulated room and the gateway's simulated weather. The same seed gives both the same outdoor weather.
 */
export function wallClockDay(seed: number, dayNumber: number): Scenario {
  const start = new Date(dayNumber * DAY_MS);
  const dayOfYear = Math.floor((dayNumber * DAY_MS - Date.UTC(start.getUTCFullYear(), 0, 1)) / DAY_MS);
  return createScenario({
    days: 1,
    seed: deriveSeed(seed, dayNumber),
    startDayOfYear: Math.min(364, dayOfYear),
    firstWeekday: (start.getUTCDay() + 6) % 7,
  });
}

/**
 * Wall-clock minutes (`Math.floor(unixMs / 60_000)`) mapped onto `wallClockDay` scenarios, keeping only the current
 * day's: what the agent's simulated room and the gateway's simulated weather both walk through.
 */
export class WallClockScenarios {
  private day = -1;
  private scenario: Scenario | undefined;

  constructor(private readonly seed: number) {}

  /** The scenario holding wall-clock `minute`, and the minute's index in it. */
  at(minute: number): { scenario: Scenario; index: number } {
    const day = Math.floor(minute / MINUTES_PER_DAY);
    if (day !== this.day || !this.scenario) {
      this.scenario = wallClockDay(this.seed, day);
      this.day = day;
    }
    return { scenario: this.scenario, index: minute - day * MINUTES_PER_DAY };
  }
}
