import { type RoomState, stepRoom } from './room.js';
import { inputsAt, type Scenario } from './scenario.js';

/** ASHRAE's recommended envelope for server inlet air (Class A1-A4), and how the oracle searches it. */
export interface OracleOptions {
  lowerC: number;
  upperC: number;
  /** Head-room kept below the upper limit (K). */
  marginC: number;
  /** How far the oracle looks ahead (minutes). */
  horizonMin: number;
  minSetpointC: number;
  maxSetpointC: number;
  /** Set-point resolution of the search (K). */
  resolutionC: number;
}

export const DEFAULT_ORACLE: OracleOptions = {
  lowerC: 18,
  upperC: 27,
  marginC: 0.25,
  horizonMin: 60,
  minSetpointC: 18,
  maxSetpointC: 27,
  resolutionC: 0.25,
};

function staysBelow(
  sc: Scenario,
  state: RoomState,
  minute: number,
  setpointC: number,
  options: OracleOptions,
): boolean {
  const s = { ...state };
  const limit = options.upperC - options.marginC;
  for (let k = 0; k < options.horizonMin; k++) {
    stepRoom(sc.room, s, inputsAt(sc, minute + k, setpointC), 60);
    if (s.airC > limit) return false;
  }
  return true;
}

/**
 * The label: the highest (most energy-saving) set-point on the search grid that, held for the look-ahead horizon
 * from the room's true state with the scenario's known future load and weather, keeps room air at or below
 * `upperC - marginC`. Room air in this model only falls below the lower limit when no cooling runs at all, which no
 * set-point can change, so only the upper limit constrains the search. When no set-point keeps the room below the
 * limit (the unit is at capacity), the answer is the lowest set-point: cool as hard as possible. Binary search: a
 * higher set-point never makes the room cooler.
 */
export function oracleSetpoint(
  sc: Scenario,
  state: RoomState,
  minute: number,
  options: OracleOptions = DEFAULT_ORACLE,
): number {
  const steps = Math.round((options.maxSetpointC - options.minSetpointC) / options.resolutionC);
  if (!staysBelow(sc, state, minute, options.minSetpointC, options)) return options.minSetpointC;
  let lo = 0; // feasible
  let hi = steps + 1; // first infeasible (exclusive bound)
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (staysBelow(sc, state, minute, options.minSetpointC + mid * options.resolutionC, options)) lo = mid;
    else hi = mid;
  }
  return options.minSetpointC + lo * options.resolutionC;
}
