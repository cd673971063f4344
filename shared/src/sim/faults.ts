import { ruleBasedSetpoint } from './closed-loop.js';
import { deriveSeed } from './random.js';
import { indoorRh, initialState, stepRoom } from './room.js';
import { drawRoomVariant } from './room-family.js';
import { createScenario, inputsAt } from './scenario.js';
import { DHT22_NOISE, NoisySensorModel } from './sensor-model.js';
import { MINUTES_PER_DAY } from './weather.js';

/**
 * Faults injected into simulated rooms, for testing and measuring the sink's room-climate anomaly detection:
 * - cooling failure: the unit delivers no cooling for `minutes` (the room heats at the IT load's pace);
 * - stuck sensor: the sensor repeats its last reading for `minutes`;
 * - drift: the sensor's temperature error grows by `kPerDay` from the onset to the end of the run.
 */
export type RoomFault =
  | { kind: 'cooling-failure'; room: number; startMinute: number; minutes: number }
  | { kind: 'stuck-sensor'; room: number; startMinute: number; minutes: number }
  | { kind: 'drift'; room: number; startMinute: number; kPerDay: number };

export interface SiteReading {
  room: number;
  minute: number;
  airC: number;
  humidityPct: number;
  setpointC: number;
}

export interface SiteOptions {
  rooms: number;
  days: number;
  seed: number;
  /** Day of year the run starts (default: 180, midsummer, when cooling works hardest). */
  startDayOfYear?: number;
  faults: RoomFault[];
}

/**
 * Rooms of one site (the same outdoor weather; each a room of the family drawn from the seed, with its own sensor),
 * one reading per room per minute, the set-point following the outdoor temperature hourly (so set-point changes
 * happen as in operation). Calls `onReading` in time order, all rooms of a minute together.
 */
export function simulateSite(o: SiteOptions, onReading: (r: SiteReading) => void): void {
  const rooms = Array.from({ length: o.rooms }, (_, k) => {
    // Rooms of the family (its physics and IT load), all under the site's weather.
    const variant = drawRoomVariant(deriveSeed(o.seed, 100 + k), `site-${k}`);
    const sc = createScenario({
      days: o.days,
      seed: o.seed,
      startDayOfYear: o.startDayOfYear ?? 180,
      room: variant.room,
      load: variant.load,
    });
    const first = inputsAt(sc, 0, 22);
    const state = initialState(23, first.outdoorRhPct);
    state.massC = (state.airC * 2 + first.outdoorC) / 3;
    return {
      sc,
      state,
      sensor: new NoisySensorModel(deriveSeed(o.seed, 300 + k), DHT22_NOISE),
      held: undefined as SiteReading | undefined,
    };
  });
  let setpoint = 22;
  for (let minute = 0; minute < o.days * MINUTES_PER_DAY; minute++) {
    // The site's weather is the same for every room: the set-point follows it hourly.
    if (minute % 60 === 0)
      setpoint = ruleBasedSetpoint(inputsAt((rooms[0] as (typeof rooms)[0]).sc, minute, setpoint).outdoorC);
    rooms.forEach((room, k) => {
      const u = inputsAt(room.sc, minute, setpoint);
      const active = o.faults.filter((f) => f.room === k && minute >= f.startMinute);
      const failed = active.some((f) => f.kind === 'cooling-failure' && minute < f.startMinute + f.minutes);
      stepRoom(failed ? { ...room.sc.room, capacityW: 0 } : room.sc.room, room.state, u, 60);
      const stuck = active.some((f) => f.kind === 'stuck-sensor' && minute < f.startMinute + f.minutes);
      let offset = 0;
      for (const f of active)
        if (f.kind === 'drift') offset += (f.kPerDay * (minute - f.startMinute)) / MINUTES_PER_DAY;
      if (stuck && room.held) {
        onReading({ ...room.held, minute, setpointC: setpoint });
        return;
      }
      const s = room.sensor.sample(room.state.airC + offset, indoorRh(room.state));
      if (!s) return;
      const r: SiteReading = { room: k, minute, airC: s.temperatureC, humidityPct: s.humidityPct, setpointC: setpoint };
      room.held = r;
      onReading(r);
    });
  }
}
