import { DEFAULT_ORACLE, type OracleOptions, oracleSetpoint } from './oracle.js';
import { indoorRh, initialState, type RoomState, stepRoom } from './room.js';
import { inputsAt, observedWeather, type Scenario } from './scenario.js';
import { DHT22_NOISE, NoisySensorModel, type SensorNoise } from './sensor-model.js';

/** One enriched reading as the sink's model sees it: the order of the model's features. */
export type FeatureRow = [
  temperature: number,
  humidity: number,
  extTemperature: number,
  extHumidity: number,
  weatherStat: number,
  setpoint: number,
];

export interface ControlContext {
  minute: number;
  /** The last readings (up to the loop's window), oldest first; failed reads are missing, as on a real device. */
  window: readonly FeatureRow[];
  setpointC: number;
  /** Ground truth, for the oracle only. */
  state: Readonly<RoomState>;
  scenario: Scenario;
}

/** Something that chooses the set-point every control step. */
export interface Controller {
  readonly name: string;
  decide(ctx: ControlContext): number | Promise<number>;
}

export function fixedController(setpointC: number): Controller {
  return { name: `fixed-${setpointC}`, decide: () => setpointC };
}

/**
 * A rule operators commonly use, for comparison: a seasonal schedule on outdoor temperature (22 °C when it is hot
 * outside, 24 °C in between, 26 °C when it is cold).
 */
export function ruleBasedSetpoint(outdoorC: number): number {
  return outdoorC >= 25 ? 22 : outdoorC >= 10 ? 24 : 26;
}

export function ruleBasedController(): Controller {
  return { name: 'rule-based', decide: ({ window }) => ruleBasedSetpoint(window.at(-1)?.[2] ?? 20) };
}

export function oracleController(o: OracleOptions = DEFAULT_ORACLE): Controller {
  return { name: 'oracle', decide: ({ scenario, state, minute }) => oracleSetpoint(scenario, state, minute, o) };
}

export interface LoopOptions {
  controlEveryMin: number;
  window: number;
  noise: SensorNoise;
  sensorSeed: number;
  initialSetpointC: number;
  upperC: number;
  lowerC: number;
}

export const DEFAULT_LOOP: LoopOptions = {
  controlEveryMin: 5,
  window: 6,
  noise: DHT22_NOISE,
  sensorSeed: 1,
  initialSetpointC: 24,
  upperC: 27,
  lowerC: 18,
};

export interface LoopResult {
  controller: string;
  minutes: number;
  /** Electrical energy of the cooling unit (kWh). */
  coolingKwh: number;
  minutesAbove: number;
  minutesBelow: number;
  minutesAbovePct: number;
  minutesBelowPct: number;
  meanSetpointC: number;
}

/**
 * Runs the room minute by minute under `controller`, which sets the set-point every control step from one-minute
 * sensor readings (DHT22 noise and dropouts unless switched off) enriched with the weather a provider would report.
 */
export async function runClosedLoop(
  sc: Scenario,
  controller: Controller,
  options: Partial<LoopOptions> = {},
): Promise<LoopResult> {
  const o = { ...DEFAULT_LOOP, ...options };
  const sensor = new NoisySensorModel(o.sensorSeed, o.noise);
  const first = inputsAt(sc, 0, o.initialSetpointC);
  const state = initialState(o.initialSetpointC + 1, first.outdoorRhPct);
  state.massC = (state.airC * 2 + first.outdoorC) / 3;
  const window: FeatureRow[] = [];
  let setpoint = o.initialSetpointC;
  let energyWh = 0;
  let above = 0;
  let below = 0;
  let setpointSum = 0;
  for (let i = 0; i < sc.minutes; i++) {
    const reading = sensor.sample(state.airC, indoorRh(state));
    if (reading) {
      const w = observedWeather(sc, i);
      window.push([reading.temperatureC, reading.humidityPct, w.temperatureC, w.humidityPct, w.status, setpoint]);
      if (window.length > o.window) window.shift();
    }
    if (i % o.controlEveryMin === 0 && window.length === o.window) {
      setpoint = await controller.decide({ minute: i, window, setpointC: setpoint, state, scenario: sc });
    }
    const r = stepRoom(sc.room, state, inputsAt(sc, i, setpoint), 60);
    energyWh += r.electricW / 60;
    if (state.airC > o.upperC) above++;
    if (state.airC < o.lowerC) below++;
    setpointSum += setpoint;
  }
  return {
    controller: controller.name,
    minutes: sc.minutes,
    coolingKwh: energyWh / 1000,
    minutesAbove: above,
    minutesBelow: below,
    minutesAbovePct: (100 * above) / sc.minutes,
    minutesBelowPct: (100 * below) / sc.minutes,
    meanSetpointC: setpointSum / sc.minutes,
  };
}
