import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  decodeEnrichedEvent,
  decodeSetpointCommand,
  type EnrichedEvent,
  type SetpointCommand,
} from '@hvac-edge/shared';
import type { Logger } from 'pino';
import { loadRecommender } from '../app.js';
import { ClosedLoop, type CommandPublisher } from '../inference/closed-loop.js';
import { RECOMMENDATION } from '../inference/recommender.js';
import { SinkPipeline } from '../pipeline.js';
import { CLIMATE } from '../points.js';
import { SqlitePointStore } from './sqlite-point-store.js';

export interface EmbeddedSinkOptions {
  pointsPath: string;
  retentionDays: number;
  /** 'builtin', a model directory, or '' for no inference. */
  modelDir: string;
  minSetpointC: number;
  maxSetpointC: number;
  sampleSpacingSeconds: number;
  closedLoop: boolean;
  closedLoopIntervalSeconds: number;
  closedLoopDeadbandC: number;
  commandTtlSeconds: number;
}

export interface DeviceSummary {
  device: string;
  at: string;
  temperature?: number;
  humidity?: number;
  ext_temperature?: number;
  ext_humidity?: number;
  weather_stat?: number;
  aircon_setpoint?: number;
  recommended_setpoint?: number;
  recommendedAt?: string;
}

export interface EmbeddedSinkSummary {
  model: string | null;
  backend: string | null;
  events: number;
  invalid: number;
  climatePoints: number;
  recommendationPoints: number;
  commandsQueued: number;
  devices: DeviceSummary[];
}

const iso = (ns: string) => new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();

/**
 * The cloud sink inside a gateway process, for a single box without Kafka or InfluxDB: the gateway's forwarder
 * publishes the same encoded enriched-event messages it would send to Kafka; they are decoded and run through the
 * sink's pipeline (climate points, inference, closed loop) into a local point store. `publish` resolves only when
 * the points are durable, so the gateway marks events forwarded only then. Closed-loop commands go to `deliver`
 * (the gateway's command queue) instead of the commands topic.
 */
export class EmbeddedSink {
  readonly store: SqlitePointStore;
  private pipeline: SinkPipeline | undefined;
  private model: string | null = null;
  private backend: string | null = null;
  private events = 0;
  private invalid = 0;
  private commandsQueued = 0;

  constructor(
    private readonly o: EmbeddedSinkOptions,
    private readonly log: Logger,
    private readonly deliver: (commands: SetpointCommand[]) => void | Promise<void>,
  ) {
    mkdirSync(dirname(o.pointsPath), { recursive: true });
    this.store = new SqlitePointStore(o.pointsPath, o.retentionDays * 86_400_000);
  }

  /** Loads the model (when configured); the EventPublisher port's connect. */
  async connect(): Promise<void> {
    if (this.pipeline) return;
    const loaded = this.o.modelDir
      ? await loadRecommender(
          this.o.modelDir,
          {
            minSetpointC: this.o.minSetpointC,
            maxSetpointC: this.o.maxSetpointC,
            defaultSetpointC: 24,
            sampleSpacingSeconds: this.o.sampleSpacingSeconds,
          },
          this.log,
        )
      : undefined;
    this.model = loaded?.model ?? null;
    this.backend = loaded?.backend ?? null;
    const commands: CommandPublisher = {
      publish: async (_topic, messages) => {
        const decoded = messages.map((m) => decodeSetpointCommand(Buffer.from(m.value)));
        const valid = decoded.flatMap((d) => (d.ok ? [d.value] : []));
        await this.deliver(valid);
        this.commandsQueued += valid.length;
      },
    };
    const loop =
      loaded && this.o.closedLoop
        ? new ClosedLoop(
            commands,
            loaded.model,
            {
              commandsTopic: 'embedded',
              intervalSeconds: this.o.closedLoopIntervalSeconds,
              deadbandC: this.o.closedLoopDeadbandC,
              ttlSeconds: this.o.commandTtlSeconds,
            },
            this.log.child({ module: 'closed-loop' }),
          )
        : undefined;
    this.pipeline = new SinkPipeline(this.store, loaded?.recommender, loop);
  }

  async publish(messages: Array<{ value: Buffer }>): Promise<void> {
    if (!this.pipeline) await this.connect();
    const valid: EnrichedEvent[] = [];
    for (const m of messages) {
      const d = decodeEnrichedEvent(m.value);
      if (d.ok) valid.push(d.value);
      else {
        // The gateway encoded these itself; a failure here is a bug, not bad input. Counted and logged, not retried.
        this.invalid += 1;
        this.log.error({ errors: d.errors }, 'embedded sink could not decode a message from the gateway');
      }
    }
    await this.pipeline?.process(valid);
    this.events += valid.length;
  }

  async disconnect(): Promise<void> {
    await this.store.close();
  }

  summary(): EmbeddedSinkSummary {
    const recs = new Map(this.store.latest(RECOMMENDATION).map((p) => [p.tags.device, p]));
    const devices = this.store.latest(CLIMATE).map((p): DeviceSummary => {
      const rec = recs.get(p.tags.device);
      return {
        device: p.tags.device ?? '',
        at: iso(p.time),
        ...p.fields,
        ...(rec ? { recommended_setpoint: rec.fields.recommended_setpoint, recommendedAt: iso(rec.time) } : {}),
      };
    });
    return {
      model: this.model,
      backend: this.backend,
      events: this.events,
      invalid: this.invalid,
      climatePoints: this.store.count(CLIMATE),
      recommendationPoints: this.store.count(RECOMMENDATION),
      commandsQueued: this.commandsQueued,
      devices,
    };
  }
}
