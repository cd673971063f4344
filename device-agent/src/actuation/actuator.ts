import { createRequire } from 'node:module';

/** Port: the output the agent drives (e.g. a cooling relay). */
export interface Actuator {
  readonly kind: string;
  readonly simulated: boolean;
  readonly on: boolean;
  set(on: boolean): void;
  close(): void;
}

/** A GPIO output through onoff. */
export class GpioActuator implements Actuator {
  readonly kind = 'gpio';
  readonly simulated = false;
  private state = false;
  private readonly gpio: { writeSync(v: 0 | 1): void; unexport(): void };

  constructor(
    pin: number,
    private readonly activeLow: boolean,
  ) {
    const { Gpio } = createRequire(import.meta.url)('onoff') as {
      Gpio: new (pin: number, dir: 'out') => { writeSync(v: 0 | 1): void; unexport(): void };
    };
    this.gpio = new Gpio(pin, 'out');
    this.set(false);
  }

  get on(): boolean {
    return this.state;
  }

  set(on: boolean): void {
    this.gpio.writeSync(on !== this.activeLow ? 1 : 0);
    this.state = on;
  }

  close(): void {
    this.set(false);
    this.gpio.unexport();
  }
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
