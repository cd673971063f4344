import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config.js';
import type { GatewayMetrics } from './metrics.js';
import type { DropReason, EventStore, PurgeResult } from './store/event-store.js';

/**
 * Scheduled purge (node-cron): forwarded events past their age, the EdgeX MaxCap/MinCap cap on forwarded events,
 * and, only past the hard disk budget, the oldest events whether forwarded or not. Every drop is counted by reason
 * and logged.
 */
export class RetentionJob {
  private task: ScheduledTask | undefined;
  private running: Promise<PurgeResult> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly config: Readonly<GatewayConfig['retention']>,
    private readonly metrics: GatewayMetrics,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    /** Other housekeeping that runs on the same schedule (expired commands). */
    private readonly alsoRun: Array<() => void> = [],
  ) {}

  start(): void {
    if (!cron.validate(this.config.schedule))
      throw new Error(`retention.schedule is not a cron expression: ${this.config.schedule}`);
    this.task = cron.schedule(this.config.schedule, () => void this.runOnce().catch(() => {}), {
      name: 'retention',
      noOverlap: true,
    });
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    await this.running?.catch(() => {});
  }

  /** One purge pass; concurrent calls share it. */
  runOnce(): Promise<PurgeResult> {
    this.running ??= this.purge().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async purge(): Promise<PurgeResult> {
    for (const task of this.alsoRun) {
      try {
        task();
      } catch (err) {
        this.log.error({ err }, 'housekeeping task failed');
      }
    }
    try {
      const result = await this.store.purge({
        forwardedBefore: this.now() - this.config.forwardedMaxAgeHours * 3_600_000,
        maxCap: this.config.maxCap,
        minCap: this.config.minCap,
        maxBytes: this.config.maxDiskBytes,
      });
      const { droppedIds, ...counts } = result;
      for (const [reason, n] of Object.entries(counts) as [DropReason, number][]) {
        this.metrics.dropped.inc({ reason }, n);
        if (reason !== 'disk_budget') this.log.info({ reason, dropped: n }, 'retention purged forwarded events');
      }
      // Data that may never have left the gateway: every id is logged, in chunks to keep lines bounded.
      for (let i = 0; i < (droppedIds?.length ?? 0); i += 500) {
        this.log.error(
          { reason: 'disk_budget', dropped: counts.disk_budget, eventIds: droppedIds?.slice(i, i + 500) },
          'disk budget reached: dropped the oldest events, pending included',
        );
      }
      return result;
    } catch (err) {
      this.log.error({ err }, 'retention purge failed');
      throw err;
    }
  }
}
