/**
 * The safety layer between whatever proposes a set-point (the sink's model, a command reaching the device agent) and
 * the cooling unit. It knows nothing of the model: it judges the proposal against the room's own recent air
 * temperature, so it holds on rooms no model was trained on. See README, "Safe set-point control".
 */
import { median } from '../median.js';

export interface SupervisorLimits {
  /** Room air must stay at or below this (°C; ASHRAE's recommended upper limit for inlet air). */
  upperC: number;
  /**
   * The supervisor aims predicted room air at `upperC - guardBandC` at most: proposals that would take it higher
   * are lowered, and while air is above that line the set-point is never raised.
   */
  guardBandC: number;
  /** How far ahead the rising trend of room air is projected (minutes). */
  lookaheadMin: number;
  /** Largest raise of the set-point per decision (K); lowering is never rate-limited (it is the safe direction). */
  maxRaiseC: number;
  minSetpointC: number;
  maxSetpointC: number;
  /**
   * The fallback rule's aim: with an untrusted proposal, the set-point moves by the gap between this and projected
   * room air (a tracking rule that needs no model of the room; it is then judged like any proposal).
   */
  fallbackAimC: number;
  /** The set-point when room air cannot be seen at all (no plausible reading): cool firmly. */
  blindSetpointC: number;
  /** Readings outside this range are implausible for a server room's air and are not believed (°C). */
  plausibleAirC: readonly [number, number];
}

/** The fallback rule (and online calibration) aim this far below the supervisor's target (K). */
const AIM_BELOW_TARGET_C = 0.2;

/**
 * The limits for a configured upper limit, guard band and set-point range; the fallback rule's aim follows them
 * (0.2 K under the supervisor's target).
 */
export function supervisorLimits(
  o: { upperLimitC: number; guardBandC: number; minSetpointC: number; maxSetpointC: number },
  overrides: Partial<Omit<SupervisorLimits, 'upperC' | 'guardBandC' | 'fallbackAimC'>> = {},
): SupervisorLimits {
  return {
    upperC: o.upperLimitC,
    guardBandC: o.guardBandC,
    lookaheadMin: 5,
    maxRaiseC: 1,
    minSetpointC: o.minSetpointC,
    maxSetpointC: o.maxSetpointC,
    fallbackAimC: o.upperLimitC - o.guardBandC - AIM_BELOW_TARGET_C,
    blindSetpointC: 20,
    plausibleAirC: [0, 50],
    ...overrides,
  };
}

export const DEFAULT_SUPERVISOR_LIMITS: SupervisorLimits = supervisorLimits({
  upperLimitC: 27,
  guardBandC: 0.5,
  minSetpointC: 18,
  maxSetpointC: 27,
});

export interface AirSample {
  atMs: number;
  airC: number;
}

export interface SupervisorInput {
  /** Recent room air readings, oldest first (a few minutes' worth). */
  recent: readonly AirSample[];
  /** The set-point the unit runs on now; undefined when unknown. */
  currentC: number | undefined;
  /** What the model or the command asks for. */
  proposedC: number;
  /** False when the proposer's inputs lie outside what it knows (the model card's training ranges). */
  inDistribution: boolean;
}

export type DecisionSource = 'proposal' | 'supervisor' | 'fallback';
export type SupervisorReason = 'excursion' | 'near-limit' | 'rate-limit' | 'invalid-input' | 'out-of-distribution';

export interface SupervisorDecision {
  setpointC: number;
  /** Who decided: the proposal as given, the supervisor (lowered or held it), or the rule-based fallback. */
  source: DecisionSource;
  reason?: SupervisorReason;
  /** Room air as the supervisor read it (median of the last three plausible readings), and its projection. */
  airC?: number;
  projectedC?: number;
}

/**
 * Theil-Sen slope (°C per minute): the median of pairwise slopes, so one spiking reading does not move it. Pairs
 * closer than half a minute are left out: over seconds, sensor noise is all the slope there is.
 */
export function robustSlopePerMin(samples: readonly AirSample[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      const a = samples[i] as AirSample;
      const b = samples[j] as AirSample;
      const dtMin = (b.atMs - a.atMs) / 60_000;
      if (dtMin >= 0.5) slopes.push((b.airC - a.airC) / dtMin);
    }
  }
  return slopes.length > 0 ? median(slopes) : 0;
}

const tenth = (v: number) => Math.round(v * 10) / 10;

/**
 * Decides the set-point to apply. The ceiling is `current + (target − projected air)`: the room's own offset of air
 * from its set-point (which carries its IT load, its unit's capacity and band) tells how far the set-point must
 * move to put air on the target, with no model of the room. The proposal is applied when it is under the ceiling;
 * raises are limited to `maxRaiseC` per decision and forbidden while air is above the target.
 */
export function superviseSetpoint(
  input: SupervisorInput,
  limits: SupervisorLimits = DEFAULT_SUPERVISOR_LIMITS,
): SupervisorDecision {
  const [lo, hi] = limits.plausibleAirC;
  const clamp = (v: number) => Math.min(limits.maxSetpointC, Math.max(limits.minSetpointC, v));
  const recent = input.recent.filter((s) => Number.isFinite(s.airC) && s.airC >= lo && s.airC <= hi);
  const current = input.currentC;
  if (recent.length === 0 || current === undefined || !Number.isFinite(current)) {
    // Blind: nothing to judge a proposal against.
    return { setpointC: tenth(clamp(limits.blindSetpointC)), source: 'fallback', reason: 'invalid-input' };
  }
  const airC = median(recent.slice(-3).map((s) => s.airC));
  const rising = Math.max(0, recent.length >= 3 ? robustSlopePerMin(recent) : 0);
  const projectedC = airC + rising * limits.lookaheadMin;
  const invalid = !Number.isFinite(input.proposedC) || recent.length < input.recent.length;
  const reason: SupervisorReason | undefined = invalid
    ? 'invalid-input'
    : input.inDistribution
      ? undefined
      : 'out-of-distribution';
  const source: DecisionSource = reason ? 'fallback' : 'proposal';
  const proposed = reason ? current + (limits.fallbackAimC - projectedC) : input.proposedC;
  const target = limits.upperC - limits.guardBandC;
  let ceiling = current + (target - projectedC);
  let why: SupervisorReason = 'near-limit';
  if (airC > target) {
    ceiling = Math.min(ceiling, current);
    why = 'excursion';
  }
  if (ceiling > current + limits.maxRaiseC) {
    ceiling = current + limits.maxRaiseC;
    why = 'rate-limit';
  }
  const wanted = tenth(clamp(proposed));
  const setpointC = tenth(clamp(Math.min(proposed, ceiling)));
  // A fallback stays a fallback (the rule's set-point, within the same limits); a lowered proposal is the supervisor's.
  if (setpointC < wanted && source === 'proposal') {
    return { setpointC, source: 'supervisor', reason: why, airC, projectedC };
  }
  return { setpointC, source, ...(reason ? { reason } : {}), airC, projectedC };
}
