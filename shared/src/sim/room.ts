import { humidityRatio, relativeHumidity } from './psychrometrics.js';

/**
 * Server-room parameters: a 2R2C thermal network (room air + racks, and the building's thermal mass between the
 * air and outdoors), infiltration, solar gain on the envelope, and a cooling unit (CRAC) with a proportional band.
 */
export interface RoomParams {
  /** Heat capacity of room air, racks and furnishings (J/K). */
  airCapacity: number;
  /** Heat capacity of walls, floor and ceiling (J/K). */
  massCapacity: number;
  /** Conductance outdoors <-> building mass (W/K). */
  uaEnvelope: number;
  /** Conductance building mass <-> room air (W/K). */
  uaInterior: number;
  /** Infiltration conductance outdoors <-> room air (W/K). */
  uaInfiltration: number;
  /** Solar gain on the envelope at full sun (W). */
  solarPeakW: number;
  /** Cooling capacity at 35 °C outdoors (W); it falls as outdoor temperature rises. */
  capacityW: number;
  /** The CRAC's proportional band: 0 % cooling at the set-point, 100 % at set-point + band (K). */
  proportionalBandK: number;
  /** Fraction of the Carnot COP the refrigeration cycle achieves. */
  carnotEfficiency: number;
  /** Room air mass for the moisture balance (kg). */
  airMassKg: number;
  /** Outdoor-air exchange (air changes per hour). */
  airChangesPerHour: number;
  /** Air flow through the cooling coil (kg/s) and the fraction that contacts it. */
  coilFlowKgS: number;
  coilContact: number;
  /** Moisture released indoors (kg/s), e.g. people and humidifiers. */
  moistureGainKgS: number;
}

export const DEFAULT_ROOM: RoomParams = {
  airCapacity: 4e5,
  massCapacity: 2.5e7,
  uaEnvelope: 150,
  uaInterior: 500,
  uaInfiltration: 15,
  solarPeakW: 700,
  capacityW: 10_000,
  proportionalBandK: 3,
  carnotEfficiency: 0.45,
  airMassKg: 180,
  airChangesPerHour: 0.4,
  coilFlowKgS: 1.5,
  coilContact: 0.1,
  moistureGainKgS: 2e-6,
};

export interface RoomState {
  /** Room air temperature (°C): what the sensor reads and what the ASHRAE envelope applies to. */
  airC: number;
  massC: number;
  /** Humidity ratio of room air (kg/kg). */
  w: number;
}

export interface RoomInputs {
  outdoorC: number;
  outdoorRhPct: number;
  solar: number;
  itLoadW: number;
  setpointC: number;
}

export interface StepResult {
  /** Heat removed from room air (sensible) and as condensate (latent), W. */
  sensibleW: number;
  coolingW: number;
  /** Electrical power drawn by the cooling unit (W). */
  electricW: number;
  cop: number;
}

/** Cooling capacity (W) at an outdoor temperature: condensers lose capacity as it gets hotter. */
export function capacityAt(p: RoomParams, outdoorC: number): number {
  return p.capacityW * Math.min(1.15, Math.max(0.6, 1 - 0.012 * (outdoorC - 35)));
}

/** COP of the cooling unit: a fraction of Carnot between the coil (air - 12 K) and the condenser (outdoor + 12 K). */
export function copAt(p: RoomParams, airC: number, outdoorC: number): number {
  const evap = airC - 12 + 273.15;
  const cond = Math.max(outdoorC + 12 + 273.15, evap + 8);
  return Math.min(7, Math.max(1.5, (p.carnotEfficiency * evap) / (cond - evap)));
}

export function initialState(airC: number, outdoorRhPct = 50): RoomState {
  return { airC, massC: airC, w: humidityRatio(airC, Math.min(outdoorRhPct, 50)) };
}

export function indoorRh(s: RoomState): number {
  return relativeHumidity(s.airC, s.w);
}

const MIN_SUBSTEPS = 3;

/**
 * Explicit Euler sub-steps for one step of `dtSec`: at least three, and enough that no sub-step moves room air by
 * more than 0.3 of its fastest time constant (a light room with a strong cooling unit and a narrow band reacts in
 * seconds; a plain 20-s step would oscillate). The default room needs three.
 */
function substeps(p: RoomParams, capacity: number, dtSec: number): number {
  const conductance = capacity / p.proportionalBandK + p.uaInterior + p.uaInfiltration;
  return Math.max(MIN_SUBSTEPS, Math.ceil((dtSec * conductance) / (0.3 * p.airCapacity)));
}

/** Advances `s` in place by `dtSec` (explicit Euler in sub-steps, see `substeps`). */
export function stepRoom(p: RoomParams, s: RoomState, u: RoomInputs, dtSec: number): StepResult {
  const capacity = capacityAt(p, u.outdoorC);
  const n = substeps(p, capacity, dtSec);
  const h = dtSec / n;
  let cooling = 0;
  for (let k = 0; k < n; k++) {
    const q = Math.min(capacity, Math.max(0, (capacity * (s.airC - u.setpointC)) / p.proportionalBandK));
    const toAir = u.itLoadW + p.uaInterior * (s.massC - s.airC) + p.uaInfiltration * (u.outdoorC - s.airC) - q;
    const toMass = p.uaEnvelope * (u.outdoorC - s.massC) + p.uaInterior * (s.airC - s.massC) + p.solarPeakW * u.solar;
    s.airC += (h * toAir) / p.airCapacity;
    s.massC += (h * toMass) / p.massCapacity;
    cooling += q / n;
  }
  // Moisture: outdoor-air exchange, indoor gains, and condensation on the coil when it is below the dew point.
  const load = cooling / capacity;
  const coilC = s.airC - 6 - 10 * load;
  const coilW = humidityRatio(coilC, 100);
  const exchange = (p.airMassKg * p.airChangesPerHour) / 3600;
  const wOut = humidityRatio(u.outdoorC, u.outdoorRhPct);
  const condense = load > 0 && s.w > coilW ? p.coilFlowKgS * p.coilContact * load * (s.w - coilW) : 0;
  s.w += (dtSec * (exchange * (wOut - s.w) + p.moistureGainKgS - condense)) / p.airMassKg;
  s.w = Math.max(1e-4, Math.min(s.w, humidityRatio(s.airC, 100)));
  const latentW = condense * 2.45e6;
  const cop = copAt(p, s.airC, u.outdoorC);
  return { sensibleW: cooling, coolingW: cooling + latentW, electricW: (cooling + latentW) / cop, cop };
}
