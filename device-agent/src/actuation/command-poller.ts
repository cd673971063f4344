import { backoffDelay, WakeableSleep } from '@hvac-edge/shared';
import type { Logger } from 'pino';
import type { HttpTransport } from '../transport/http-transport.js';
import type { CommandLedger } from './command-ledger.js';
import type { CommandOutcome, IncomingCommand } from './controller.js';

interface GatewayCommand extends IncomingCommand {
  seq: number;
}

/**
 * Holds a long poll open on the gateway's command endpoint and hands each command to `apply` in order. The cursor
 * (last seq seen) is persisted, so a restart neither replays applied commands nor misses queued ones.
 */
export class CommandPoller {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly abort = new AbortController();
  /** stop() cuts a backoff short, so a gateway outage never holds the agent's shutdown. */
  private readonly backoff = new WakeableSleep();
  private attempt = 0;

  constructor(
    private readonly transport: HttpTransport,
    private readonly device: string,
    private readonly waitSeconds: number,
    private readonly ledger: Pick<CommandLedger, 'cursor'>,
    private readonly apply: (c: IncomingCommand) => CommandOutcome,
    private readonly log: Logger,
    private readonly retry = { minMs: 1000, maxMs: 30_000 },
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    this.backoff.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const res = await this.transport.request(
          'GET',
          `/api/v3/device/name/${encodeURIComponent(this.device)}/commands?after=${this.ledger.cursor}&waitSeconds=${this.waitSeconds}`,
          undefined,
          this.abort.signal,
          (this.waitSeconds + 10) * 1000,
          {},
          true,
        );
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const body = res.json() as { commands: GatewayCommand[] };
        for (const c of body.commands) {
          const outcome = this.apply(c);
          this.ledger.cursor = c.seq;
          if (outcome.applied) {
            this.log.info(
              { setpoint: outcome.setpoint, clamped: outcome.clamped, source: c.source, id: c.id },
              'set-point applied',
            );
          } else {
            this.log.warn({ reason: outcome.reason, id: c.id, source: c.source }, 'set-point command not applied');
          }
        }
        this.attempt = 0;
      } catch (err) {
        if (!this.running) return;
        this.attempt += 1;
        if (this.attempt === 1) this.log.warn({ err }, 'command poll failed; retrying');
        await this.backoff.sleep(backoffDelay(this.attempt, this.retry.minMs, this.retry.maxMs));
      }
    }
  }
}
