import {
  type CalibrationOptions,
  DEFAULT_SUPERVISOR_LIMITS,
  type DecisionSource,
  OnlineCalibration,
  type SupervisorLimits,
  superviseSetpoint,
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
 * The sink's full inference path in the loop: the model's proposal, judged by the safety supervisor on the window's
 * own room air (one-minute readings), with the rule-based schedule as the fallback for inputs outside the model's
 * training ranges. `counts` tallies who decided.
 */
export function supervisedController(
  model: SetpointModel,
  ranges: InputRanges | undefined,
  options: { limits?: SupervisorLimits; calibration?: CalibrationOptions | false } = {},
): Controller & { counts: DecisionCounts } {
  const limits = options.limits ?? DEFAULT_SUPERVISOR_LIMITS;
  const inner = modelController(model, { minSetpointC: -100, maxSetpointC: 100 });
  const calibration = options.calibration === false ? undefined : new OnlineCalibration(options.calibration);
  const counts: DecisionCounts = { proposal: 0, supervisor: 0, fallback: 0 };
  return {
    name: `${model.id}+supervisor${calibration ? '+calibration' : ''}`,
    counts,
    decide: async (ctx) => {
      const raw = await inner.decide(ctx);
      const proposedC = calibration ? calibration.apply(raw) : raw;
      const d = superviseSetpoint(
        {
          recent: ctx.window.map((row, i) => ({
            atMs: (ctx.minute - (ctx.window.length - 1 - i)) * 60_000,
            airC: row[0],
          })),
          currentC: ctx.setpointC,
          proposedC,
          inDistribution: !ranges || inRanges(ctx.window, ranges),
        },
        limits,
      );
      counts[d.source]++;
      if (calibration && d.airC !== undefined) {
        calibration.observe(d.airC, d.setpointC, d.source === 'supervisor', limits);
      }
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
}

const pct = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Closed-loop comparison on one simulated period: the fixed 18 °C set-point of the source report, a rule-based
 * schedule, the oracle, and the controller under test, each on the same scenario and the same sensor noise.
 */
export async function evaluateController(
  controller: Controller,
  scenario: ScenarioOptions,
  onResult?: (r: LoopResult) => void,
): Promise<EvaluationReport> {
  const sc = createScenario(scenario);
  const results: LoopResult[] = [];
  for (const c of [fixedController(18), ruleBasedController(), oracleController(), controller]) {
    const r = await runClosedLoop(sc, c);
    onResult?.(r);
    results.push(r);
  }
  const [fixed18, rule, oracle, tested] = results as [LoopResult, LoopResult, LoopResult, LoopResult];
  const saving = (base: LoopResult, r: LoopResult) => pct((100 * (base.coolingKwh - r.coolingKwh)) / base.coolingKwh);
  return {
    scenario: { days: scenario.days, seed: scenario.seed, startDayOfYear: scenario.startDayOfYear ?? 0 },
    results,
    summary: {
      model: tested.controller,
      coolingKwh: pct(tested.coolingKwh),
      fixed18Kwh: pct(fixed18.coolingKwh),
      oracleKwh: pct(oracle.coolingKwh),
      ruleBasedKwh: pct(rule.coolingKwh),
      energySavingVsFixed18Pct: saving(fixed18, tested),
      oracleSavingVsFixed18Pct: saving(fixed18, oracle),
      ruleBasedSavingVsFixed18Pct: saving(fixed18, rule),
      energySavingVsOraclePct: saving(oracle, tested),
      minutesAbove27Pct: pct(tested.minutesAbovePct),
      minutesBelow18Pct: pct(tested.minutesBelowPct),
    },
  };
}
