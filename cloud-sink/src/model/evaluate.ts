import {
  DEFAULT_SUPERVISOR_LIMITS,
  type DecisionSource,
  SupervisedProposals,
  type SupervisorLimits,
} from '@hvac-edge/shared';
import {
  type Controller,
  createScenario,
  fixedController,
  type LoopResult,
  oracleController,
  ruleBasedController,
  runClosedLoop,
  type ScenarioOptions,
} from '@hvac-edge/shared/sim';
import { type InputRanges, inRanges } from '../inference/input-ranges.js';
import type { SetpointModel } from '../inference/setpoint-model.js';

export interface ClampRange {
  minSetpointC: number;
  maxSetpointC: number;
}

/** The sink's inference path in the loop: the model's output for the last six readings, clamped as the sink does. */
export function modelController(
  model: SetpointModel,
  clamp: ClampRange = { minSetpointC: 18, maxSetpointC: 27 },
): Controller {
  return {
    name: model.id,
    decide: async ({ window }) => {
      const [v] = await model.predict([window.map((row) => [...row])]);
      const clamped = Math.min(clamp.maxSetpointC, Math.max(clamp.minSetpointC, v ?? clamp.minSetpointC));
      return Math.round(clamped * 10) / 10;
    },
  };
}

/** Decisions of a supervised controller, by who decided. */
export type DecisionCounts = Record<DecisionSource, number>;

/**
 * The sink's full inference path in the loop: the model's proposal, moved by the room's online calibration and judged
 * by the safety supervisor on the window's own room air (one-minute readings), with the supervisor's tracking rule
 * as the fallback for inputs outside the model's training ranges. `counts` tallies who decided.
 */
export function supervisedController(
  model: SetpointModel,
  ranges: InputRanges | undefined,
  limits: SupervisorLimits = DEFAULT_SUPERVISOR_LIMITS,
): Controller & { counts: DecisionCounts } {
  const inner = modelController(model, { minSetpointC: -100, maxSetpointC: 100 });
  const supervised = new SupervisedProposals(limits);
  const counts: DecisionCounts = { proposal: 0, supervisor: 0, fallback: 0 };
  return {
    name: `${model.id}+supervisor+calibration`,
    counts,
    decide: async (ctx) => {
      const d = supervised.decide({
        recent: ctx.window.map((row, i) => ({
          atMs: (ctx.minute - (ctx.window.length - 1 - i)) * 60_000,
          airC: row[0],
        })),
        currentC: ctx.setpointC,
        proposedC: await inner.decide(ctx),
        inDistribution: !ranges || inRanges(ctx.window, ranges),
      });
      counts[d.source]++;
      return d.setpointC;
    },
  };
}

export interface EvaluationReport {
  scenario: { days: number; seed: number; startDayOfYear: number };
  results: LoopResult[];
  summary: {
    model: string;
    coolingKwh: number;
    fixed18Kwh: number;
    oracleKwh: number;
    ruleBasedKwh: number;
    energySavingVsFixed18Pct: number;
    oracleSavingVsFixed18Pct: number;
    ruleBasedSavingVsFixed18Pct: number;
    /** (oracle energy − model energy) / oracle energy: 0 = as good as the oracle, negative = uses more. */
    energySavingVsOraclePct: number;
    minutesAbove27Pct: number;
    minutesBelow18Pct: number;
  };
  /** The reference controller run on the same scenario (e.g. the model without its supervisor), when given. */
  reference?: {
    model: string;
    coolingKwh: number;
    energySavingVsFixed18Pct: number;
    energySavingVsOraclePct: number;
    minutesAbove27Pct: number;
  };
}

/** Rounded to three decimals, as every figure of the reports. */
export const r3 = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Closed-loop comparison on one simulated period: the fixed 18 °C set-point of the source report, a rule-based
 * schedule, the oracle, and the controller under test (and a reference controller, when given), each on the same
 * scenario and the same sensor noise.
 */
export async function evaluateController(
  controller: Controller,
  scenario: ScenarioOptions,
  onResult?: (r: LoopResult) => void,
  reference?: Controller,
): Promise<EvaluationReport> {
  const sc = createScenario(scenario);
  const results: LoopResult[] = [];
  for (const c of [fixedController(18), ruleBasedController(), oracleController(), controller]) {
    const r = await runClosedLoop(sc, c);
    onResult?.(r);
    results.push(r);
  }
  const [fixed18, rule, oracle, tested] = results as [LoopResult, LoopResult, LoopResult, LoopResult];
  const saving = (base: LoopResult, r: LoopResult) => r3((100 * (base.coolingKwh - r.coolingKwh)) / base.coolingKwh);
  const ref = reference ? await runClosedLoop(sc, reference) : undefined;
  if (ref) onResult?.(ref);
  return {
    scenario: { days: scenario.days, seed: scenario.seed, startDayOfYear: scenario.startDayOfYear ?? 0 },
    results,
    summary: {
      model: tested.controller,
      coolingKwh: r3(tested.coolingKwh),
      fixed18Kwh: r3(fixed18.coolingKwh),
      oracleKwh: r3(oracle.coolingKwh),
      ruleBasedKwh: r3(rule.coolingKwh),
      energySavingVsFixed18Pct: saving(fixed18, tested),
      oracleSavingVsFixed18Pct: saving(fixed18, oracle),
      ruleBasedSavingVsFixed18Pct: saving(fixed18, rule),
      energySavingVsOraclePct: saving(oracle, tested),
      minutesAbove27Pct: r3(tested.minutesAbovePct),
      minutesBelow18Pct: r3(tested.minutesBelowPct),
    },
    ...(ref
      ? {
          reference: {
            model: ref.controller,
            coolingKwh: r3(ref.coolingKwh),
            energySavingVsFixed18Pct: saving(fixed18, ref),
            energySavingVsOraclePct: saving(oracle, ref),
            minutesAbove27Pct: r3(ref.minutesAbovePct),
          },
        }
      : {}),
  };
}
