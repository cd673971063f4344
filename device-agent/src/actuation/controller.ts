import type { Actuator } from './actuator.js';
import type { CommandLedger } from './command-ledger.js';

export interface ControllerOptions {
  hysteresisC: number;
  minOnSeconds: number;
  minOffSeconds: number;
  minSetpointC: number;
  maxSetpointC: number;
}

export interface IncomingCommand {
  id: string;
  value: number;
  expiresAt: number;
  source: string;
}

export type CommandOutcome =
  | { applied: true; setpoint: number; clamped: boolean }
  | { applied: false; reason: 'expired' | 'duplicate' | 'invalid' };

/**
 * The cooling relay around the set-point: on above set-point + h/2, off below set-point − h/2 (hysteresis), never
 * switched again before its minimum on/off time (compressors do not like short cycles). Commands are clamped to the
 * safe range, refused once expired, and applied once per idempotency key.
 */
export class CoolingController {
  setpoint: number | undefined;
  private lastSwitchAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly actuator: Actuator,
    private readonly options: ControllerOptions,
    private readonly ledger: Pick<CommandLedger, 'wasApplied' | 'markApplied'>,
    private readonly now: () => number = Date.now,
  ) {}

  apply(c: IncomingCommand): CommandOutcome {
    if (!Number.isFinite(c.value)) return { applied: false, reason: 'invalid' };
    if (this.ledger.wasApplied(c.id)) return { applied: false, reason: 'duplicate' };
    if (c.expiresAt <= this.now()) return { applied: false, reason: 'expired' };
    const setpoint = Math.min(this.options.maxSetpointC, Math.max(this.options.minSetpointC, c.value));
    this.setpoint = setpoint;
    this.ledger.markApplied(c.id);
    return { applied: true, setpoint, clamped: setpoint !== c.value };
  }

  /** Called with every good reading; returns the relay state after the decision. */
  onTemperature(tempC: number): boolean {
    if (this.setpoint === undefined) return this.actuator.on;
    const now = this.now();
    const held = (now - this.lastSwitchAt) / 1000;
    const half = this.options.hysteresisC / 2;
    if (!this.actuator.on && tempC >= this.setpoint + half && held >= this.options.minOffSeconds) {
      this.actuator.set(true);
      this.lastSwitchAt = now;
    } else if (this.actuator.on && tempC <= this.setpoint - half && held >= this.options.minOnSeconds) {
      this.actuator.set(false);
      this.lastSwitchAt = now;
    }
    return this.actuator.on;
  }
}
