import { type AirSample, type SupervisorLimits, superviseSetpoint, supervisorLimits } from '@hvac-edge/shared';
import type { Actuator } from './actuator.js';
import type { CommandLedger } from './command-ledger.js';

export interface ControllerOptions {
  hysteresisC: number;
  minOnSeconds: number;
  minOffSeconds: number;
  minSetpointC: number;
  maxSetpointC: number;
  /** The local guard: room air limit (°C) and the band below it the guard aims at (K). */
  upperLimitC: number;
  guardBandC: number;
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

/** What the guard did, for the agent's log and stats. */
export type GuardChange = { holding: true; commandedC: number; setpointC: number; airC: number } | { holding: false };

/** The guard judges once a minute, on the last six minutes of readings. */
const GUARD_EVERY_MS = 60_000;
const GUARD_WINDOW_MS = 6 * 60_000;

/**
 * The cooling relay around the set-point: on above set-point + h/2, off below set-point − h/2 (hysteresis), never
 * switched again before its minimum on/off time (compressors do not like short cycles). Commands are clamped to the
 * safe range, refused once expired, and applied once per idempotency key.
 *
 * A local guard sits between the commanded set-point and the relay, driven by this agent's own readings and its
 * own configuration (no command can switch it off): the set-point the relay holds is the commanded one lowered by
 * the shared safety supervisor whenever room air approaches the upper limit, and never raised while air is above
 * the guard's aim. It holds when the cloud is gone or wrong.
 */
export class CoolingController {
  private commanded: number | undefined;
  private effective: number | undefined;
  private lastSwitchAt = Number.NEGATIVE_INFINITY;
  private readonly recent: AirSample[] = [];
  private lastJudgedAt = Number.NEGATIVE_INFINITY;
  private readonly limits: SupervisorLimits;

  constructor(
    private readonly actuator: Actuator,
    private readonly options: ControllerOptions,
    private readonly ledger: Pick<CommandLedger, 'wasApplied' | 'markApplied'>,
    private readonly now: () => number = Date.now,
    private readonly onGuard: (change: GuardChange) => void = () => {},
  ) {
    // The guard only lowers; how fast a command may raise is the sender's business.
    this.limits = supervisorLimits(options, { maxRaiseC: Number.POSITIVE_INFINITY });
  }

  /** The set-point the relay holds now (the commanded one, unless the guard holds it lower). */
  get setpoint(): number | undefined {
    return this.effective;
  }

  /** Sets the commanded set-point (e.g. the configured initial one); the guard judges it at the next reading. */
  set setpoint(value: number | undefined) {
    this.commanded = value;
    this.effective = value;
  }

  /** The set-point last commanded, before the guard. */
  get commandedSetpoint(): number | undefined {
    return this.commanded;
  }

  get guardHolding(): boolean {
    return this.effective !== undefined && this.commanded !== undefined && this.effective < this.commanded;
  }

  apply(c: IncomingCommand): CommandOutcome {
    if (!Number.isFinite(c.value)) return { applied: false, reason: 'invalid' };
    if (this.ledger.wasApplied(c.id)) return { applied: false, reason: 'duplicate' };
    if (c.expiresAt <= this.now()) return { applied: false, reason: 'expired' };
    const setpoint = Math.min(this.options.maxSetpointC, Math.max(this.options.minSetpointC, c.value));
    this.commanded = setpoint;
    this.judge(true);
    this.ledger.markApplied(c.id);
    return { applied: true, setpoint, clamped: setpoint !== c.value };
  }

  /** Called with every good reading; returns the relay state after the decision. */
  onTemperature(tempC: number): boolean {
    const now = this.now();
    this.recent.push({ atMs: now, airC: tempC });
    while ((this.recent[0]?.atMs ?? now) < now - GUARD_WINDOW_MS) this.recent.shift();
    this.judge(false);
    if (this.effective === undefined) return this.actuator.on;
    const held = (now - this.lastSwitchAt) / 1000;
    const half = this.options.hysteresisC / 2;
    if (!this.actuator.on && tempC >= this.effective + half && held >= this.options.minOffSeconds) {
      this.actuator.set(true);
      this.lastSwitchAt = now;
    } else if (this.actuator.on && tempC <= this.effective - half && held >= this.options.minOnSeconds) {
      this.actuator.set(false);
      this.lastSwitchAt = now;
    }
    return this.actuator.on;
  }

  /** The guard's decision: at most once a minute, or at once for a new command. */
  private judge(force: boolean): void {
    const commanded = this.commanded;
    if (commanded === undefined || this.recent.length === 0) {
      this.effective = commanded;
      return;
    }
    const now = this.now();
    if (!force && now - this.lastJudgedAt < GUARD_EVERY_MS) return;
    this.lastJudgedAt = now;
    const wasHolding = this.guardHolding;
    const d = superviseSetpoint(
      { recent: this.recent, currentC: this.effective ?? commanded, proposedC: commanded, inDistribution: true },
      this.limits,
    );
    this.effective = Math.min(commanded, d.setpointC);
    if (this.guardHolding && !wasHolding) {
      const airC = d.airC ?? this.recent.at(-1)?.airC ?? Number.NaN;
      this.onGuard({ holding: true, commandedC: commanded, setpointC: this.effective, airC });
    } else if (!this.guardHolding && wasHolding) {
      this.onGuard({ holding: false });
    }
  }
}
