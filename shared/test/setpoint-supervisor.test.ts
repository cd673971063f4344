import { describe, expect, it } from 'vitest';
import { OnlineCalibration } from '../src/control/online-calibration.js';
import {
  type AirSample,
  DEFAULT_SUPERVISOR_LIMITS,
  type SupervisorInput,
  superviseSetpoint,
  supervisorLimits,
} from '../src/control/setpoint-supervisor.js';
import { SupervisedProposals } from '../src/control/supervised-proposals.js';

const minute = 60_000;
/** One reading a minute, oldest first. */
const air = (...c: number[]): AirSample[] => c.map((airC, i) => ({ atMs: i * minute, airC }));
const input = (o: Partial<SupervisorInput>): SupervisorInput => ({
  recent: air(24, 24, 24, 24, 24, 24),
  currentC: 24,
  proposedC: 24,
  inDistribution: true,
  ...o,
});

describe('set-point supervisor', () => {
  it('overrides a model that asks for 27 °C while air is at 26.9 °C and rising', () => {
    const d = superviseSetpoint(
      input({ recent: air(26.4, 26.5, 26.6, 26.7, 26.8, 26.9), currentC: 25, proposedC: 27 }),
    );
    expect(d.source).toBe('supervisor');
    expect(d.reason).toBe('excursion');
    // Air is above the aim (26.5) and projected higher still: the set-point steps down, well below the current one.
    expect(d.setpointC).toBeLessThan(25);
    expect(d.projectedC).toBeGreaterThan(26.9);
  });

  it('steps down before air reaches the aim when it is rising fast', () => {
    const d = superviseSetpoint(input({ recent: air(25, 25.2, 25.4, 25.6, 25.8, 26), currentC: 24, proposedC: 26 }));
    expect(d).toMatchObject({ source: 'supervisor', reason: 'near-limit' });
    expect(d.setpointC).toBeLessThan(24);
  });

  it('never raises the set-point during an excursion, whatever is proposed', () => {
    for (const proposedC of [18, 22, 24, 24.5, 27, 40]) {
      for (const recent of [air(27.5, 27.4, 27.3, 27.2, 27.1, 27), air(26.6, 26.6, 26.6, 26.6, 26.6, 26.6)]) {
        const d = superviseSetpoint(input({ recent, currentC: 24, proposedC }));
        expect(d.setpointC).toBeLessThanOrEqual(24);
      }
    }
  });

  it('lets a sound proposal through, and limits raises to maxRaiseC per decision', () => {
    expect(superviseSetpoint(input({ proposedC: 24.6 }))).toMatchObject({ setpointC: 24.6, source: 'proposal' });
    expect(superviseSetpoint(input({ proposedC: 23 }))).toMatchObject({ setpointC: 23, source: 'proposal' });
    const raised = superviseSetpoint(input({ recent: air(20, 20, 20, 20, 20, 20), currentC: 18, proposedC: 27 }));
    expect(raised).toMatchObject({ setpointC: 18 + DEFAULT_SUPERVISOR_LIMITS.maxRaiseC, source: 'supervisor' });
    expect(raised.reason).toBe('rate-limit');
  });

  it('falls back to the tracking rule on NaN, implausible or out-of-distribution inputs', () => {
    for (const bad of [
      input({ proposedC: Number.NaN }),
      input({ recent: air(24, 24, 24, Number.NaN, 24, 24) }),
      input({ recent: air(24, 24, 24, 85, 24, 24) }),
      input({ recent: air(24, 24, 24, -40, 24, 24) }),
    ]) {
      expect(superviseSetpoint(bad)).toMatchObject({ source: 'fallback', reason: 'invalid-input' });
    }
    const ood = superviseSetpoint(input({ inDistribution: false, proposedC: 27, recent: air(22, 22, 22, 22, 22, 22) }));
    // The rule moves toward its aim (26.3 °C air): up, by at most maxRaiseC, not to the model's 27.
    expect(ood).toMatchObject({ source: 'fallback', reason: 'out-of-distribution', setpointC: 25 });
  });

  it('cools firmly when room air cannot be seen at all, or the current set-point is unknown', () => {
    const blind = { source: 'fallback', reason: 'invalid-input', setpointC: DEFAULT_SUPERVISOR_LIMITS.blindSetpointC };
    expect(superviseSetpoint(input({ recent: [] }))).toMatchObject(blind);
    expect(superviseSetpoint(input({ recent: air(99, 99, 99) }))).toMatchObject(blind);
    expect(superviseSetpoint(input({ currentC: undefined }))).toMatchObject(blind);
  });

  it('is not moved by one spiking reading', () => {
    const d = superviseSetpoint(input({ recent: air(24, 24, 24, 24, 35, 24), proposedC: 24.5 }));
    expect(d).toMatchObject({ source: 'proposal', setpointC: 24.5 });
  });
});

describe('online calibration', () => {
  const bounds = { minSetpointC: 18, maxSetpointC: 27 };
  const AIM = DEFAULT_SUPERVISOR_LIMITS.fallbackAimC;
  it('learns a negative offset in a room running above its aim, and a positive one below it', () => {
    const hot = new OnlineCalibration(AIM);
    for (let i = 0; i < 20; i++) hot.observe(27, 24, false, bounds);
    expect(hot.offset).toBeLessThan(-1);
    expect(hot.apply(25)).toBeLessThan(24);
    const cold = new OnlineCalibration(AIM);
    for (let i = 0; i < 20; i++) cold.observe(24, 22, false, bounds);
    expect(cold.offset).toBeGreaterThan(1);
  });

  it('does not wind up against its bounds or while the supervisor holds the proposal down', () => {
    const c = new OnlineCalibration(AIM);
    for (let i = 0; i < 100; i++) c.observe(20, 27, false, bounds); // cold room, set-point already at max
    for (let i = 0; i < 100; i++) c.observe(20, 24, true, bounds); // held down by the supervisor
    expect(c.offset).toBe(0);
    for (let i = 0; i < 1000; i++) c.observe(40, 24, false, bounds);
    expect(c.offset).toBe(-6);
  });
});

describe('supervised proposals under configured limits', () => {
  it('aim the fallback rule and the calibration under the configured limit, not the default one', () => {
    const limits = supervisorLimits({ upperLimitC: 25, guardBandC: 1, minSetpointC: 18, maxSetpointC: 27 });
    expect(limits.fallbackAimC).toBeCloseTo(23.8, 10);
    expect(DEFAULT_SUPERVISOR_LIMITS.fallbackAimC).toBeCloseTo(26.3, 10);
    // Room air at 23.9 °C: under this supervisor's target (24), over its aim (23.8) — and far under the default aim
    // (26.3), which would have learned upwards. The learned offset goes down, and the supervisor need not act.
    const steady = input({ recent: air(23.9, 23.9, 23.9, 23.9, 23.9, 23.9), currentC: 20, proposedC: 20 });
    const room = new SupervisedProposals(limits);
    let d = room.decide(steady);
    for (let i = 0; i < 30; i++) d = room.decide(steady);
    expect(d).toMatchObject({ source: 'proposal' });
    expect(d.setpointC).toBeLessThan(20);
    // Calibration off: the proposal as given.
    expect(new SupervisedProposals(limits, false).decide(steady)).toMatchObject({ source: 'proposal', setpointC: 20 });
  });
});
