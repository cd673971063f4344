/** Port: the output the agent drives (e.g. a cooling relay). */
export interface Actuator {
  readonly kind: string;
  readonly simulated: boolean;
  readonly on: boolean;
  set(on: boolean): void;
  close(): void;
}

/** No hardware: keeps the state (and its history, for tests and the demo); announced in the logs. */
export class SimulatedActuator implements Actuator {
  readonly kind = 'simulated';
  readonly simulated = true;
  readonly history: Array<{ at: number; on: boolean }> = [];
  private state = false;

  constructor(private readonly now: () => number = Date.now) {}

  get on(): boolean {
    return this.state;
  }

  set(on: boolean): void {
    if (on !== this.state) this.history.push({ at: this.now(), on });
    this.state = on;
  }

  close(): void {
    this.set(false);
  }
}
