/**
 * Bounds how often one kind of log line is written: at most `perMinute` in a minute, and the first line of the next
 * minute says how many were held back. For lines a client can cause at will (malformed messages, refused logins),
 * so that a flood of them costs a few lines a minute, while the metrics keep the exact count.
 */
export class LogSampler {
  private windowStart = Number.NEGATIVE_INFINITY;
  private used = 0;
  private held = 0;

  constructor(
    private readonly perMinute = 10,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether to write this line; `suppressed` = lines held back since the last one written. */
  take(): { log: boolean; suppressed: number } {
    const t = this.now();
    if (t - this.windowStart >= 60_000) {
      this.windowStart = t;
      this.used = 0;
    }
    if (this.used >= this.perMinute) {
      this.held += 1;
      return { log: false, suppressed: 0 };
    }
    this.used += 1;
    const suppressed = this.held;
    this.held = 0;
    return { log: true, suppressed };
  }
}
