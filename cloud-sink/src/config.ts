import { configSection, loadConfig, secret } from '@hvac-edge/shared';
import { type Static, Type } from '@sinclair/typebox';

export const SinkConfigSchema = Type.Object(
  {
    log: configSection({ level: Type.String({ default: 'info' }) }),
    http: configSection({
      host: Type.String({ default: '0.0.0.0' }),
      port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: '/healthz, /readyz, /metrics' }),
    }),
    kafka: configSection({
      brokers: Type.Array(Type.String({ minLength: 1 }), { default: ['127.0.0.1:9092'] }),
      clientId: Type.String({ default: 'hvac-edge-sink' }),
      groupId: Type.String({ default: 'hvac-edge-sink', description: 'scale out = more replicas in this group' }),
      topic: Type.String({ default: 'hvac-edge.events' }),
      dlqTopic: Type.String({ default: 'hvac-edge.events.dlq', description: 'invalid messages, with the reason' }),
      fromBeginning: Type.Boolean({ default: true, description: 'where a new group starts' }),
      sessionTimeoutMs: Type.Integer({
        minimum: 6000,
        default: 30_000,
        description: 'a replica silent this long leaves the group (its partitions move on)',
      }),
    }),
    inference: configSection({
      modelDir: Type.String({
        default: '',
        description: "TensorFlow.js model directory; 'builtin' = the model shipped with the sink; empty = no inference",
      }),
      sampleSpacingSeconds: Type.Integer({
        default: 60,
        minimum: 0,
        description:
          'readings closer than this to the previous one in a device window are skipped (the shipped model was trained on one-minute readings); a gap over 10x this starts a new window',
      }),
      minSetpointC: Type.Number({ default: 18, description: 'recommendations are clamped to [min, max]' }),
      maxSetpointC: Type.Number({ default: 27 }),
      defaultSetpointC: Type.Number({ default: 24, description: 'set-point feature for devices that report none' }),
    }),
    closedLoop: configSection({
      enabled: Type.Boolean({ default: false, description: 'publish recommendations as set-point commands' }),
      commandsTopic: Type.String({ default: 'hvac-edge.commands' }),
      intervalSeconds: Type.Integer({
        minimum: 1,
        default: 900,
        description: 'at most one command per device per interval',
      }),
      deadbandC: Type.Number({ minimum: 0, default: 0.5, description: 'smaller changes are not sent' }),
      ttlSeconds: Type.Integer({ minimum: 1, default: 900, description: 'command expiry' }),
    }),
    influx: configSection({
      url: Type.String({ default: 'http://127.0.0.1:8086', description: 'InfluxDB v2 (or a v2-compatible write API)' }),
      token: Type.String({ default: '', ...secret, description: 'SINK_INFLUX_TOKEN_FILE in Kubernetes' }),
      org: Type.String({ default: 'hvac-edge' }),
      bucket: Type.String({ default: 'hvac' }),
      timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
      retryMinDelayMs: Type.Integer({ minimum: 1, default: 500 }),
      retryMaxDelayMs: Type.Integer({ minimum: 1, default: 30_000 }),
    }),
  },
  { additionalProperties: false },
);
export type SinkConfig = Static<typeof SinkConfigSchema>;

export const SINK_ENV_PREFIX = 'SINK_';

export function loadSinkConfig(env: NodeJS.ProcessEnv = process.env, overrides?: Record<string, unknown>) {
  return loadConfig<SinkConfig>(SinkConfigSchema, {
    prefix: SINK_ENV_PREFIX,
    env,
    ...(overrides ? { overrides } : {}),
  });
}
