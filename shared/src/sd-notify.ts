import { execFile } from 'node:child_process';

/** Sends one sd_notify datagram; injectable so tests and other transports can stand in. */
export type NotifySender = (socketPath: string, state: string) => Promise<void>;

/**
 * Node has no unix datagram sockets, so the default sender runs systemd's own `systemd-notify` with our PID as
 * MAINPID. The unit must set `NotifyAccess=all` (deploy/systemd does) because the datagram comes from that child.
 */
export const systemdNotifySender: NotifySender = (socketPath, state) =>
  new Promise((resolve, reject) => {
    const args = [`--pid=${process.pid}`, ...state.split('\n')];
    execFile('systemd-notify', args, { env: { ...process.env, NOTIFY_SOCKET: socketPath } }, (err) =>
      err ? reject(err) : resolve(),
    );
  });

export interface SdNotifyOptions {
  env?: NodeJS.ProcessEnv;
  send?: NotifySender;
  onError?: (err: unknown) => void;
}

/**
 * READY / STOPPING / WATCHDOG for systemd's Type=notify units. Everything is a no-op when NOTIFY_SOCKET is unset,
 * so the same binary runs under systemd, in a container and in a terminal.
 */
export class SdNotify {
  private readonly socket: string | undefined;
  private readonly watchdogUsec: number | undefined;
  private readonly send: NotifySender;
  private readonly onError: (err: unknown) => void;
  private watchdogTimer: NodeJS.Timeout | undefined;

  constructor(options: SdNotifyOptions = {}) {
    const env = options.env ?? process.env;
    this.socket = env.NOTIFY_SOCKET || undefined;
    const usec = Number(env.WATCHDOG_USEC);
    const pidOk = env.WATCHDOG_PID === undefined || Number(env.WATCHDOG_PID) === process.pid;
    this.watchdogUsec = Number.isFinite(usec) && usec > 0 && pidOk ? usec : undefined;
    this.send = options.send ?? systemdNotifySender;
    this.onError = options.onError ?? (() => {});
  }

  get enabled(): boolean {
    return this.socket !== undefined;
  }

  /** Half of WATCHDOG_USEC, as sd_watchdog_enabled(3) recommends; undefined when no watchdog is set. */
  get watchdogIntervalMs(): number | undefined {
    return this.watchdogUsec === undefined ? undefined : Math.floor(this.watchdogUsec / 2000);
  }

  notify(state: string): Promise<void> {
    if (!this.socket) return Promise.resolve();
    return this.send(this.socket, state).catch(this.onError);
  }

  /** READY=1 and, when systemd asked for one, a watchdog ping at half its timeout. */
  async ready(status?: string): Promise<void> {
    await this.notify(status ? `READY=1\nSTATUS=${status}` : 'READY=1');
    const interval = this.watchdogIntervalMs;
    if (this.socket && interval !== undefined && !this.watchdogTimer) {
      this.watchdogTimer = setInterval(() => void this.notify('WATCHDOG=1'), interval);
      this.watchdogTimer.unref();
    }
  }

  async stopping(): Promise<void> {
    if (this.watchdogTimer) clearInterval(this.watchdogTimer);
    this.watchdogTimer = undefined;
    await this.notify('STOPPING=1');
  }
}
