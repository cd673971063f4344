import {
  ClosedLoopConfigSection,
  configSection,
  InferenceConfigSection,
  KafkaSecurityProps,
  loadConfig,
  secret,
} from '@hvac-edge/shared';
import { type Static, Type } from '@sinclair/typebox';

export const SinkConfigSchema = Type.Object(
  {
    log: configSection({ level: Type.String({ default: 'info' }) }),
    http: configSection({
      host: Type.String({ default: '0.0.0.0' }),
      port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: '/healthz, /readyz, /metrics' }),
      metricsTokens: Type.Array(Type.String({ minLength: 16 }), {
        default: [],
        ...secret,
        description: 'bearer tokens for /metrics (≥16 chars); empty = /metrics open (it changes nothing)',
      }),
    }),
    kafka: configSection({
      brokers: Type.Array(Type.String({ minLength: 1 }), { default: ['127.0.0.1:9092'] }),
      clientId: Type.String({ default: 'hvac-edge-sink' }),
      groupId: Type.String({ default: 'hvac-edge-sink', description: 'scale out = more replicas in this group' }),
      topic: Type.String({ default: 'hvac-edge.events' }),
      dlqTopic: Type.String({ default: 'hvac-edge.events.dlq', description: 'invalid messages, with the reason' }),
      commandsTopic: Type.String({
        default: 'hvac-edge.commands',
        description: "the closed loop's set-point commands",
      }),
      fromBeginning: Type.Boolean({ default: true, description: 'where a new group starts' }),
      sessionTimeoutMs: Type.Integer({
        minimum: 6000,
        default: 30_000,
        description: 'a replica silent this long leaves the group (its partitions move on)',
      }),
      ...KafkaSecurityProps,
    }),
    inference: InferenceConfigSection,
    closedLoop: ClosedLoopConfigSection,
    alerts: configSection({
      mqttUrl: Type.String({
        default: '',
        description: "publish room anomaly alerts to this MQTT broker (the gateway's alert topic) when set",
      }),
      mqttTopic: Type.String({ default: 'hvac-edge/alerts', description: 'as the gateway: <topic>/<rule>/<target>' }),
    }),
    influx: configSection({
      url: Type.String({ default: 'http://127.0.0.1:8086', description: 'InfluxDB v2 (or a v2-compatible write API)' }),
      token: Type.String({ default: '', ...secret, description: 'SINK_INFLUX_TOKEN_FILE in Kubernetes' }),
      org: Type.String({ default: 'hvac-edge' }),
      bucket: Type.String({ default: 'hvac' }),
      timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
      retryMinDelayMs: Type.Integer({ minimum: 1, default: 500 }),
      retryMaxDelayMs: Type.Integer({ minimum: 1, default: 30_000 }),
      naming: Type.Union([Type.Literal('hvac-edge'), Type.Literal('report')], {
        default: 'hvac-edge',
        description:
          "hvac-edge: measurements climate and hvac_recommendation; report: the source report's (measurement = " +
          'device, tag location, fields Aircon_temp, recommend_temperature, …, all floats) for its dashboards',
      }),
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
