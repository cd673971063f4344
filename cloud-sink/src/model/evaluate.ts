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
