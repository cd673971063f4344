import type { SetpointCommand } from '@hvac-edge/shared';
import type { Statement } from 'better-sqlite3';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { LocalDatabase } from '../local/local-database.js';
import type { GatewayMetrics } from '../metrics.js';

/** A set-point command on its way to a device (the downlink). */
export interface Command {
  /** Queue position, per gateway; agents poll with `after` = the last seq they saw. */
  seq: number;
  /** Idempotency key: the same key is queued (and applied) once. */
  id: string;
  device: string;
  command: 'setpoint';
  value: number;
  /** Who asked: "api", "kafka:<model>", "embedded:<model>". */
  source: string;
  createdAt: number;
  /** Unix ms after which the command must not be applied. */
  expiresAt: number;
}

export type NewCommand = Omit<Command, 'seq'>;

/** Where a recommendation came from: the commands topic, or the sink embedded in this gateway. */
export type RecommendationPath = 'kafka' | 'embedded';

/** What the gateway lets through to a device, whoever asks (commands config section). */
export interface CommandPolicy {
  minSetpointC: number;
  maxSetpointC: number;
  /** Commands per device per minute, duplicates not counted; 0 = no limit. */
  maxPerDevicePerMinute: number;
}

/**
 * - `reject`: a set-point outside the range is refused (the API: a person can correct it);
 * - `clamp`: it is clamped into the range and queued (recommendations: the model asked for "as far as allowed").
 */
export type RangeMode = 'reject' | 'clamp';

export type EnqueueResult =
  | { outcome: 'queued' | 'clamped' | 'duplicate'; command: Command }
  | { outcome: 'expired' }
  | { outcome: 'out_of_range'; range: readonly [number, number] }
  | { outcome: 'rate_limited'; retryAfterMs: number; firstInWindow: boolean };

export type EnqueueOutcome = EnqueueResult['outcome'];

/** A recommendation from the cloud sink as a command: the one conversion, whichever way it came. */
function toCommand(c: SetpointCommand, path: RecommendationPath): NewCommand {
  return {
    id: c.idempotencyKey,
    device: c.device,
    command: 'setpoint',
    value: c.setpoint,
    source: `${path}:${c.model}`,
    createdAt: c.issuedAt,
    expiresAt: c.expiresAt,
  };
}

/**
 * Durable per-device command queue in the gateway's LocalDatabase. Devices long-poll it; commands past their expiry
 * are never handed out and are purged.
 */
export class CommandQueue {
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Per device, the highest seq its agent has confirmed (a poll's `after`): delivered. Since this start. */
  private readonly confirmed = new Map<string, number>();
  private readonly limiter: RateLimiterMemory | undefined;
  private readonly insert: Statement;
  private readonly selectById: Statement;
  /** Every long poll runs it: prepared once. */
  private readonly selectAfter: Statement;

  constructor(
    private readonly local: LocalDatabase,
    private readonly metrics: Pick<GatewayMetrics, 'commands'>,
    private readonly policy: CommandPolicy,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    if (policy.maxPerDevicePerMinute > 0) {
      this.limiter = new RateLimiterMemory({ points: policy.maxPerDevicePerMinute, duration: 60 });
    }
    this.insert = local.connection.prepare(
      'INSERT INTO commands (id, device, body, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO NOTHING',
    );
    this.selectById = local.connection.prepare('SELECT seq, body FROM commands WHERE id = ?');
    this.selectAfter = local.connection.prepare(
      'SELECT seq, body FROM commands WHERE device = ? AND seq > ? AND expires_at > ? ORDER BY seq LIMIT ?',
    );
  }

  /**
   * Queues a command once per idempotency key, within the policy's set-point range and per-device rate, and wakes
   * the device's poll. Every outcome is counted by source; a replayed key is a duplicate and costs no rate.
   */
  async enqueue(c: NewCommand, range: RangeMode): Promise<EnqueueResult> {
    return (await this.enqueueAll([c], range))[0] as EnqueueResult;
  }

  /**
   * Several commands, checked one by one and stored in one transaction: the closed loop delivers a batch of
   * recommendations at once, and one commit (one fsync, on the main thread) per command cost the gateway a
   * measurable share of its CPU at fleet scale.
   */
  async enqueueAll(cs: readonly NewCommand[], range: RangeMode, withoutSync = false): Promise<EnqueueResult[]> {
    const checked: Array<EnqueueResult | { admit: NewCommand }> = [];
    for (const c of cs) checked.push(await this.check(c, range));
    const results = this.local.transaction(withoutSync, () =>
      checked.map((r, i): EnqueueResult => {
        if (!('admit' in r)) return r;
        const command = r.admit;
        const info = this.insert.run(command.id, command.device, JSON.stringify(command), command.expiresAt);
        // Another enqueue of the same key between the lookup and here (the limiter's await, or this batch) won.
        if (info.changes === 0) return { outcome: 'duplicate', command: this.byId(command.id) as Command };
        return {
          outcome: command.value === cs[i]?.value ? 'queued' : 'clamped',
          command: { ...command, seq: Number(info.lastInsertRowid) },
        };
      }),
    );
    for (const [i, result] of results.entries()) this.report(cs[i] as NewCommand, result, range);
    return results;
  }

  private report(c: NewCommand, result: EnqueueResult, range: RangeMode): void {
    if (result.outcome === 'queued' || result.outcome === 'clamped') {
      for (const wake of this.waiters.get(c.device) ?? []) wake();
    }
    this.metrics.commands.inc({ source: c.source.split(':')[0] ?? c.source, outcome: result.outcome });
    const about = { device: c.device, id: c.id, source: c.source };
    if (result.outcome === 'expired') this.log.info(about, 'expired set-point command skipped');
    if (result.outcome === 'clamped') {
      this.log.warn({ ...about, setpoint: c.value, queued: result.command.value }, 'set-point clamped to the range');
    }
    if (result.outcome === 'out_of_range' && range === 'clamp') {
      this.log.warn({ ...about, setpoint: String(c.value) }, 'set-point that is not a number dropped');
    }
    // Once per device and window, not per command: a runaway producer must not flood the log.
    if (result.outcome === 'rate_limited' && result.firstInWindow) {
      this.log.warn(
        { ...about, retryAfterMs: result.retryAfterMs, limit: this.policy.maxPerDevicePerMinute },
        'set-point commands over the per-device rate are dropped for the rest of the minute',
      );
    }
  }

  /** Expiry, duplicate key, range and rate: the command to store, or why not. */
  private async check(c: NewCommand, range: RangeMode): Promise<EnqueueResult | { admit: NewCommand }> {
    if (c.expiresAt <= this.now()) return { outcome: 'expired' };
    const existing = this.byId(c.id);
    if (existing) return { outcome: 'duplicate', command: existing };
    const { minSetpointC: min, maxSetpointC: max } = this.policy;
    let value = c.value;
    if (!(value >= min && value <= max)) {
      if (range === 'reject' || !Number.isFinite(value)) return { outcome: 'out_of_range', range: [min, max] };
      value = Math.min(max, Math.max(min, value));
    }
    if (this.limiter) {
      try {
        await this.limiter.consume(c.device);
      } catch (res) {
        if (!(res instanceof RateLimiterRes)) throw res;
        const firstInWindow = res.consumedPoints === this.policy.maxPerDevicePerMinute + 1;
        return { outcome: 'rate_limited', retryAfterMs: res.msBeforeNext, firstInWindow };
      }
    }
    return { admit: { ...c, value } };
  }

  private byId(id: string): Command | undefined {
    const row = this.selectById.get(id) as { seq: number; body: string } | undefined;
    return row && { ...(JSON.parse(row.body) as NewCommand), seq: row.seq };
  }

  /**
   * A recommendation from the cloud sink (relayed from the commands topic, or from the embedded sink) as a queued
   * command: the one conversion, with the expiry checked whichever way it came.
   */
  enqueueRecommendation(c: SetpointCommand, path: RecommendationPath): Promise<EnqueueResult> {
    return this.enqueue(toCommand(c, path), 'clamp');
  }

  /**
   * A batch of recommendations in one transaction (the embedded sink's closed loop delivers them so).
   * `syncedByForwardMark`: the caller marks the recommendations' events forwarded afterwards in the embedded event
   * store, which is this same SQLite file. The batch then commits without an fsync of its own: WAL recovery keeps a
   * prefix of the frames, so a power cut that loses the batch loses the later mark too, and its events go through the
   * sink again, as after a crash just before the batch. It saves the main thread an fsync per forwarded batch, which
   * an SD card makes several ms long. Kafka's recommendations keep theirs: their offsets are committed elsewhere.
   */
  enqueueRecommendations(
    cs: readonly SetpointCommand[],
    path: RecommendationPath,
    options: { syncedByForwardMark?: boolean } = {},
  ): Promise<EnqueueResult[]> {
    return this.enqueueAll(
      cs.map((c) => toCommand(c, path)),
      'clamp',
      options.syncedByForwardMark === true,
    );
  }

  /** Unexpired commands for a device after `afterSeq`, oldest first. */
  after(device: string, afterSeq: number, limit = 100): Command[] {
    const rows = this.selectAfter.all(device, afterSeq, this.now(), limit) as { seq: number; body: string }[];
    return rows.map((r) => ({ ...(JSON.parse(r.body) as NewCommand), seq: r.seq }));
  }

  /**
   * The newest commands of every device (expired ones until they are purged), newest first, each with whether its
   * agent has confirmed it: an agent polls with `after` = the last seq it received, so everything up to that is
   * delivered (known since this gateway started).
   */
  recent(limit: number): Array<Command & { delivered: boolean; expired: boolean }> {
    const now = this.now();
    const rows = this.local.connection
      .prepare('SELECT seq, body FROM commands ORDER BY seq DESC LIMIT ?')
      .all(limit) as { seq: number; body: string }[];
    return rows.map((r) => {
      const c = { ...(JSON.parse(r.body) as NewCommand), seq: r.seq };
      return { ...c, delivered: (this.confirmed.get(c.device) ?? 0) >= c.seq, expired: c.expiresAt <= now };
    });
  }

  /** Long poll: resolves with commands as soon as there are any, or [] after `timeoutMs`. */
  async wait(device: string, afterSeq: number, timeoutMs: number, signal?: AbortSignal): Promise<Command[]> {
    if (afterSeq > (this.confirmed.get(device) ?? 0)) this.confirmed.set(device, afterSeq);
    const now = this.after(device, afterSeq);
    if (now.length > 0 || timeoutMs <= 0) return now;
    await new Promise<void>((resolve) => {
      const set = this.waiters.get(device) ?? new Set();
      this.waiters.set(device, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(device);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      set.add(done);
      signal?.addEventListener('abort', done);
    });
    return this.after(device, afterSeq);
  }

  /** Wakes every waiting poll (shutdown). */
  wakeAll(): void {
    for (const set of this.waiters.values()) for (const wake of [...set]) wake();
  }

  purgeExpired(): number {
    return this.local.connection.prepare('DELETE FROM commands WHERE expires_at <= ?').run(this.now()).changes;
  }
}
