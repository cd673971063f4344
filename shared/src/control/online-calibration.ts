/**
 * Per-room calibration learned online: an offset added to a model's proposals, integrated from the room's own
 * tracking error (room air against the air the model is meant to hold). A model trained on other rooms keeps its
 * shape (how weather and the time of day move the set-point); the offset moves it to this room's level. The
 * supervisor still judges every calibrated proposal.
 */
export interface CalibrationOptions {
  /** Offset change per decision per kelvin of tracking error (K/K). */
  gain: number;
  /** The offset stays within ±limitC (K). */
  limitC: number;
}

export const DEFAULT_CALIBRATION: CalibrationOptions = { gain: 0.1, limitC: 6 };

export class OnlineCalibration {
  private offsetC = 0;

  /**
   * `aimC`: the room air the calibrated proposals aim at — the supervisor's fallback aim, under its target, so that
   * it rarely has to act.
   */
  constructor(
    private readonly aimC: number,
    private readonly options: CalibrationOptions = DEFAULT_CALIBRATION,
  ) {}

  /** The offset learned so far (K). */
  get offset(): number {
    return this.offsetC;
  }

  /** The proposal moved by the learned offset. */
  apply(proposedC: number): number {
    return proposedC + this.offsetC;
  }

  /**
   * Learns from one decision's outcome: room air (`airC`, as the supervisor read it) against the aim. Anti-windup:
   * it does not learn upwards while the set-point is already at its maximum (a cold room needs no cooling; raising
   * the offset would only store error for later) or while the supervisor held the proposal down, nor downwards
   * while the set-point is at its minimum (the unit is at capacity).
   */
  observe(
    airC: number,
    appliedC: number,
    heldDown: boolean,
    bounds: { minSetpointC: number; maxSetpointC: number },
  ): void {
    if (!Number.isFinite(airC)) return;
    const error = this.aimC - airC;
    if (error > 0 && (heldDown || appliedC >= bounds.maxSetpointC)) return;
    if (error < 0 && appliedC <= bounds.minSetpointC) return;
    const { limitC } = this.options;
    this.offsetC = Math.min(limitC, Math.max(-limitC, this.offsetC + this.options.gain * error));
  }
}
