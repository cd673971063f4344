import { type CalibrationOptions, DEFAULT_CALIBRATION, OnlineCalibration } from './online-calibration.js';
import {
  type SupervisorDecision,
  type SupervisorInput,
  type SupervisorLimits,
  superviseSetpoint,
} from './setpoint-supervisor.js';

/**
 * One room's proposals on their way to its cooling unit: moved by the room's online calibration (unless off), then
 * judged by the safety supervisor, and the outcome fed back to the calibration. One per device (the sink), or per
 * simulated room (the evaluation): the same path in both.
 */
export class SupervisedProposals {
  private readonly calibration: OnlineCalibration | undefined;

  constructor(
    readonly limits: SupervisorLimits,
    calibration: CalibrationOptions | false = DEFAULT_CALIBRATION,
  ) {
    this.calibration = calibration === false ? undefined : new OnlineCalibration(limits.fallbackAimC, calibration);
  }

  decide(input: SupervisorInput): SupervisorDecision {
    const proposedC = this.calibration ? this.calibration.apply(input.proposedC) : input.proposedC;
    const d = superviseSetpoint({ ...input, proposedC }, this.limits);
    if (this.calibration && d.airC !== undefined) {
      this.calibration.observe(d.airC, d.setpointC, d.source === 'supervisor', this.limits);
    }
    return d;
  }
}
