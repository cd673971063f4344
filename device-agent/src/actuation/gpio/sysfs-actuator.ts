import { createRequire } from 'node:module';
import type { Actuator } from '../actuator.js';

export interface GpioLine {
  writeSync(value: 0 | 1): void;
  unexport(): void;
}

/** Opens a sysfs GPIO number as an output (onoff). */
export type OpenSysfsGpio = (sysfsNumber: number) => GpioLine;

export const onoffOutput: OpenSysfsGpio = (n) => {
  const { Gpio } = createRequire(import.meta.url)('onoff') as {
    Gpio: new (pin: number, dir: 'out') => GpioLine;
  };
  return new Gpio(n, 'out');
};

/**
 * A relay on the legacy sysfs GPIO interface (onoff). It takes the kernel's sysfs number, not the BCM pin: the
 * caller maps one to the other (platform/raspberry-pi.ts), since the two differ on current kernels.
 */
export class SysfsGpioActuator implements Actuator {
  readonly kind = 'sysfs';
  readonly simulated = false;
  private state = false;
  private readonly line: GpioLine;

  constructor(
    readonly sysfsNumber: number,
    private readonly activeLow: boolean,
    open: OpenSysfsGpio = onoffOutput,
  ) {
    this.line = open(sysfsNumber);
    this.set(false);
  }

  get on(): boolean {
    return this.state;
  }

  set(on: boolean): void {
    this.line.writeSync(on !== this.activeLow ? 1 : 0);
    this.state = on;
  }

  close(): void {
    this.set(false);
    this.line.unexport();
  }
}
