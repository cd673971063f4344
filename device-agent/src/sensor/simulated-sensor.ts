import {
  DHT22_NOISE,
  indoorRh,
  initialState,
  inputsAt,
  MINUTES_PER_DAY,
  NoisySensorModel,
  type RoomState,
  type SensorNoise,
  stepRoom,
  WallClockScenarios,
} from '@hvac-edge/shared/sim';
import type { ClimateReading, Sensor } from './sensor.js';

/** After a long pause (laptop asleep, clock jump) the room restarts from its state rather than replaying days. */
const MAX_CATCH_UP_MIN = MINUTES_PER_DAY;

/**
 * A server room without hardware: the shared room simulator (weather, IT load, 2R2C thermal model, cooling unit)
 * run in wall-clock time, its cooling unit holding the set-point the agent applied (24 °C until one is), read
 * through a DHT22 model (noise, dropouts, the odd wild value the quality filter must catch). Deterministic per seed
 * and wall-clock minute. Weather and load are generated one day at a time so a long-running agent stays small.
 */
export class SimulatedSensor implements Sensor {
  readonly kind = 'simulated';
  readonly simulated = true;
  private readonly sensor: NoisySensorModel;
  private readonly state: RoomState = initialState(25);
  private readonly days: WallClockScenarios;
  private minute = -1;

  constructor(
    seed: number,
    private readonly now: () => number = Date.now,
    private readonly setpoint: () => number | undefined = () => undefined,
    noise: SensorNoise = DHT22_NOISE,
  ) {
    this.sensor = new NoisySensorModel(seed, noise);
    this.days = new WallClockScenarios(seed);
  }

  private advanceTo(minute: number): void {
    if (this.minute < 0 || minute - this.minute > MAX_CATCH_UP_MIN) this.minute = minute - 60; // an hour to settle
    for (let m = this.minute + 1; m <= minute; m++) {
      const { scenario, index } = this.days.at(m);
      stepRoom(scenario.room, this.state, inputsAt(scenario, index, this.setpoint() ?? 24), 60);
    }
    this.minute = Math.max(this.minute, minute);
  }

  async read(): Promise<ClimateReading> {
    this.advanceTo(Math.floor(this.now() / 60_000));
    const r = this.sensor.sample(this.state.airC, indoorRh(this.state));
    if (!r) throw new Error('simulated DHT22 read failure (checksum)');
    return r;
  }
}
