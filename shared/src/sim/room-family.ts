import { DEFAULT_IT_LOAD, type ItLoadOptions } from './it-load.js';
import { deriveSeed, mulberry32 } from './random.js';
import { capacityAt, DEFAULT_ROOM, type RoomParams } from './room.js';
import type { ScenarioOptions } from './scenario.js';
import { type ClimateOptions, GWANGJU } from './weather.js';

/**
 * How far real server rooms differ from the simulator's default room, as factors on its parameters (low, high).
 * Multiplicative factors are drawn log-uniformly, so 0.5-2× is as likely below 1 as above.
 */
export const ROOM_FAMILY = {
  /** IT load: base, business-hours and batch peaks together. */
  itLoad: [0.5, 2],
  /** Cooling capacity of the unit. */
  capacity: [0.6, 1.5],
  /** Heat capacity of room air and racks; of the building's walls and floor (drawn independently). */
  airCapacity: [0.2, 3],
  massCapacity: [0.2, 3],
  /** Envelope conductance and infiltration (insulation, leaks). */
  envelope: [0.5, 4],
  /** The cooling unit's proportional band (K, drawn uniformly). */
  proportionalBandK: [1, 5],
  /** Annual mean outdoor temperature, offset from Gwangju's (K, uniformly). */
  climateOffsetC: [-6, 6],
  /** Solar gain on the envelope. */
  solar: [0.5, 2],
} as const satisfies Record<string, readonly [number, number]>;

/** One room of the family: the factors drawn and the scenario options they give. */
export interface RoomVariant {
  name: string;
  seed: number;
  factors: {
    itLoad: number;
    capacity: number;
    airCapacity: number;
    massCapacity: number;
    envelope: number;
    proportionalBandK: number;
    climateOffsetC: number;
    solar: number;
  };
  room: RoomParams;
  load: ItLoadOptions;
  climate: ClimateOptions;
}

export type VariantFactors = RoomVariant['factors'];

/** The factors of the simulator's default room. */
export const DEFAULT_FACTORS: VariantFactors = {
  itLoad: 1,
  capacity: 1,
  airCapacity: 1,
  massCapacity: 1,
  envelope: 1,
  proportionalBandK: DEFAULT_ROOM.proportionalBandK,
  climateOffsetC: 0,
  solar: 1,
};

/** The variant with the given factors (the default room is all factors 1, band 3 K, offset 0). */
export function roomVariant(name: string, seed: number, f: VariantFactors): RoomVariant {
  const d = DEFAULT_ROOM;
  const l = DEFAULT_IT_LOAD;
  return {
    name,
    seed,
    factors: f,
    room: {
      ...d,
      capacityW: d.capacityW * f.capacity,
      airCapacity: d.airCapacity * f.airCapacity,
      massCapacity: d.massCapacity * f.massCapacity,
      uaEnvelope: d.uaEnvelope * f.envelope,
      uaInfiltration: d.uaInfiltration * f.envelope,
      solarPeakW: d.solarPeakW * f.solar,
      proportionalBandK: f.proportionalBandK,
    },
    load: {
      ...l,
      baseW: l.baseW * f.itLoad,
      businessW: l.businessW * f.itLoad,
      batchW: l.batchW * f.itLoad,
      driftSdW: l.driftSdW * f.itLoad,
    },
    climate: { ...GWANGJU, annualMeanC: GWANGJU.annualMeanC + f.climateOffsetC },
  };
}

/** The hottest outdoor temperature the variant's climate plausibly reaches (seasonal + diurnal peak + 2 sd weather). */
function hotPeakC(c: ClimateOptions): number {
  return c.annualMeanC + c.seasonalAmplitudeC + c.diurnalAmplitudeC + 2 * c.synopticSdC;
}

/**
 * Whether the unit can hold the room below 27 °C at all, with 10 % to spare: the peak IT load plus the envelope's
 * and infiltration's steady-state gains at the hottest plausible hour against the capacity left at that outdoor
 * temperature. A room that fails this overheats under any set-point; no controller can be judged on it. The
 * evaluation suite checks the survivors again with the oracle itself.
 */
export function canHoldRoom(v: RoomVariant): boolean {
  const hot = hotPeakC(v.climate);
  const air = 26.5;
  const p = v.room;
  const series = 1 / (1 / p.uaEnvelope + 1 / p.uaInterior);
  const solarToAir = (p.solarPeakW * p.uaInterior) / (p.uaEnvelope + p.uaInterior);
  const it = v.load.baseW + v.load.businessW + v.load.batchW + 2 * v.load.driftSdW;
  const gains = it + series * (hot - air) + p.uaInfiltration * (hot - air) + solarToAir;
  return gains <= 0.9 * capacityAt(p, hot);
}

/** A room drawn from the family with `seed`; redrawn (derived seeds) until the unit can hold it. */
export function drawRoomVariant(seed: number, name = `room-${seed}`): RoomVariant {
  for (let attempt = 0; ; attempt++) {
    const r = mulberry32(deriveSeed(seed, 7001 + attempt));
    const logUniform = ([lo, hi]: readonly [number, number]) => Math.exp(Math.log(lo) + r() * Math.log(hi / lo));
    const uniform = ([lo, hi]: readonly [number, number]) => lo + r() * (hi - lo);
    const f = ROOM_FAMILY;
    const v = roomVariant(name, seed, {
      itLoad: logUniform(f.itLoad),
      capacity: logUniform(f.capacity),
      airCapacity: logUniform(f.airCapacity),
      massCapacity: logUniform(f.massCapacity),
      envelope: logUniform(f.envelope),
      proportionalBandK: uniform(f.proportionalBandK),
      climateOffsetC: uniform(f.climateOffsetC),
      solar: logUniform(f.solar),
    });
    if (canHoldRoom(v)) return v;
  }
}

/** Scenario options for `days` of the variant from `startDayOfYear` (weather and load drawn from `seed`). */
export function variantScenario(v: RoomVariant, days: number, startDayOfYear: number, seed = v.seed): ScenarioOptions {
  return { days, seed, startDayOfYear, room: v.room, load: v.load, climate: v.climate };
}
