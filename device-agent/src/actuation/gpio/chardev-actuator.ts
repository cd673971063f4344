import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Actuator } from '../actuator.js';

export interface CharDevLine {
  /** e.g. gpiochip0 */
  device: string;
  offset: number;
}

/**
 * A relay on the GPIO character device, for kernels without sysfs GPIO, through libgpiod's `gpioset`: a line keeps
 * its value only while a process holds it, so one `gpioset` holds the current level and is replaced (after it has
 * exited and freed the line) on every change. libgpiod 1.x (Debian 12) needs `--mode=signal` to hold; 2.x holds
 * by default. A `gpioset` that fails (line busy, no such chip) is reported through onError with its message.
 */
export class CharDevGpioActuator implements Actuator {
  readonly kind = 'chardev';
  readonly simulated = false;
  private state = false;
  private holder: ChildProcess | undefined;
  private applied: Promise<void> = Promise.resolve();

  constructor(
    readonly line: CharDevLine,
    private readonly activeLow: boolean,
    private readonly options: { gpiodVersion: string; onError: (err: Error) => void; command?: string },
  ) {
    this.set(false);
  }

  get on(): boolean {
    return this.state;
  }

  set(on: boolean): void {
    this.state = on;
    const level = on !== this.activeLow ? 1 : 0;
    this.applied = this.applied.then(() => this.hold(level)).catch((err: Error) => this.options.onError(err));
  }

  /** Resolves once every set() so far has its gpioset holding the line (or has failed and been reported). */
  whenApplied(): Promise<void> {
    return this.applied;
  }

  close(): void {
    this.set(false);
    this.applied = this.applied.then(() => this.release());
  }

  private async hold(level: 0 | 1): Promise<void> {
    await this.release();
    const major = Number(this.options.gpiodVersion.split('.')[0]);
    const value = `${this.line.offset}=${level}`;
    const args = major >= 2 ? ['--chip', this.line.device, value] : ['--mode=signal', this.line.device, value];
    const child = spawn(this.options.command ?? 'gpioset', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-500);
    });
    this.holder = child;
    // A gpioset that cannot take the line exits at once; one that holds it runs until released.
    const failed = await Promise.race([
      once(child, 'spawn').then(() => new Promise((r) => setTimeout(r, 200, false))),
      once(child, 'exit').then(() => true),
      once(child, 'error').then(() => true),
    ]).catch(() => true);
    if (failed || child.exitCode !== null) {
      this.holder = undefined;
      throw new Error(
        `gpioset ${args.join(' ')} failed: ${stderr.trim() || `exit ${child.exitCode ?? 'error'}`} (is libgpiod's gpiod package installed and the line free?)`,
      );
    }
  }

  private async release(): Promise<void> {
    const child = this.holder;
    this.holder = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
}
