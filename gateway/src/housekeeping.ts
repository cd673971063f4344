import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { CommandQueue } from './commands/command-queue.js';
import type { GatewayConfig } from './config.js';
import type { GatewayMetrics } from './metrics.js';
import type { DropReason, EventStore, PurgeResult } from './store/event-store.js';

/**
 * The gateway's scheduled housekeeping (node-cron, `retention.schedule`): expired set-point commands go, and the
 * event store's retention runs: forwarded events past their age, the EdgeX MaxCap/MinCap cap on forwarded events,
 * and, only past the hard disk budget, the oldest events whether forwarded or not. Every drop is counted by reason
 * and logged.
 */
export class Housekeeping {
  readonly name = 'housekeeping';
  private task: ScheduledTask | undefined;
  private running: Promise<PurgeResult> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly commands: CommandQueue,
    private readonly config: Readonly<GatewayConfig['retention']>,
    private readonly metrics: Pick<GatewayMetrics, 'dropped'>,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    if (!cron.validate(this.config.schedule))
      throw new Error(`retention.schedule is not a cron expression: ${this.config.schedule}`);
    this.task = cron.schedule(this.config.schedule, () => void this.runOnce().catch(() => {}), {
      name: 'housekeeping',
      noOverlap: true,
    });
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    await this.running?.catch(() => {});
  }

  /** One pass; concurrent calls share it. */
  runOnce(): Promise<PurgeResult> {
    this.running ??= this.purge().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async purge(): Promise<PurgeResult> {
    try {
      const n = this.commands.purgeExpired();
      if (n > 0) this.log.debug({ purged: n }, 'expired commands purged');
    } catch (err) {
      this.log.error({ err }, 'purging expired commands failed');
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
