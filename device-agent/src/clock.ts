import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/**
 * The agent's view of time. A Raspberry Pi has no real-time clock: until NTP has set the system clock it may read
 * 1970, or the time of the last shutdown (fake-hwclock). Readings taken then carry a monotonic stamp instead, and
 * get their wall time once the clock is synchronised.
 */
export interface AgentClock {
  /** Wall time, Unix ms: trustworthy only when `synchronized()`. */
  now(): number;
  /** Monotonic time of this boot, ns (CLOCK_MONOTONIC: survives agent restarts, not reboots). */
  monotonicNs(): bigint;
  /** Identifies this boot: a monotonic stamp means nothing under another one. */
  bootId(): string;
  synchronized(): boolean;
}

export type ClockTrust = 'auto' | 'always' | 'systemd';

/** Asks systemd whether the kernel clock is NTP-synchronised (timedatectl reads adjtimex's status). */
function timedatectlSynchronized(): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('timedatectl', ['show', '--property=NTPSynchronized', '--value'], { timeout: 2000 }, (err, out) =>
      resolve(!err && out.trim() === 'yes'),
    );
  });
}

/**
 * The system clock, trusted: always (`always`), once timedatectl says NTP synchronised it (`systemd`), or the
 * latter when systemd runs and the former otherwise (`auto`). Checked in the background every `checkMs` until
 * synchronised, then trusted for the life of the process.
 */
export class SystemClock implements AgentClock {
  private trusted: boolean;
  private timer: NodeJS.Timeout | undefined;
  private readonly boot: string;

  constructor(
    trust: ClockTrust,
    private readonly checkMs = 30_000,
    private readonly check: () => Promise<boolean> = timedatectlSynchronized,
  ) {
    const systemd = trust === 'systemd' || (trust === 'auto' && existsSync('/run/systemd/system'));
    this.trusted = !systemd;
    this.boot = existsSync('/proc/sys/kernel/random/boot_id')
      ? readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
      : `process-${process.pid}-${Date.now()}`;
  }

  /** Resolves once the first check is done (so the first reading already knows). */
  async start(): Promise<void> {
    if (this.trusted) return;
    const poll = async () => {
      this.trusted = await this.check();
      if (!this.trusted) this.timer = setTimeout(() => void poll(), this.checkMs);
    };
    await poll();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  now(): number {
    return Date.now();
  }

  monotonicNs(): bigint {
    return process.hrtime.bigint();
  }

  bootId(): string {
    return this.boot;
  }

  synchronized(): boolean {
    return this.trusted;
  }
}
