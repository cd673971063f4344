import { configSection, secret } from '@hvac-edge/shared';
import { type Static, Type } from '@sinclair/typebox';
import { METRIC_NAMES } from './catalog.js';

const Level = Type.Object(
  {
    info: Type.Optional(Type.Number()),
    warning: Type.Optional(Type.Number()),
    critical: Type.Optional(Type.Number()),
  },
  { additionalProperties: false, default: {} },
);

export const AlertRuleSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    /** threshold: the aggregate against `levels`; anomaly: the novelty detector's level over the hold window. */
    kind: Type.Union([Type.Literal('threshold'), Type.Literal('anomaly')], { default: 'threshold' }),
    metric: Type.Union(METRIC_NAMES.map((m) => Type.Literal(m))),
    /** Target names; "*" for all. */
    targets: Type.Array(Type.String({ minLength: 1 }), { default: ['*'] }),
    aggregation: Type.Union([Type.Literal('min'), Type.Literal('max'), Type.Literal('avg'), Type.Literal('last')], {
      default: 'avg',
    }),
    holdSeconds: Type.Integer({ minimum: 0, default: 60 }),
    /** Fires when the aggregate is above (or below) a level's threshold; the highest level met wins. */
    direction: Type.Union([Type.Literal('above'), Type.Literal('below')], { default: 'above' }),
    levels: Level,
    /** anomaly rules: the lowest detector level that fires (its level is the alert's). */
    minLevel: Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')], {
      default: 'warning',
    }),
  },
  { additionalProperties: false },
);
export type AlertRule = Static<typeof AlertRuleSchema>;

export const MeteredServerSchema = Type.Object(
  {
    target: Type.String({ minLength: 1, description: 'monitoring target whose samples prove it is running' }),
    instanceId: Type.String({ minLength: 1 }),
    instanceName: Type.Optional(Type.String()),
    imageId: Type.Optional(Type.String()),
    projectId: Type.Optional(Type.String()),
    flavor: Type.Object(
      {
        id: Type.String(),
        name: Type.String(),
        vcpu: Type.Integer({ minimum: 1 }),
        ramMb: Type.Integer({ minimum: 1 }),
        diskGb: Type.Integer({ minimum: 0 }),
        pricePerHour: Type.Number({ minimum: 0 }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type MeteredServer = Static<typeof MeteredServerSchema>;

export const MonitoringConfigSchema = configSection({
  enabled: Type.Boolean({ default: true, description: 'serve /infra/... and collect the host' }),
  credentials: Type.Array(Type.String({ minLength: 8 }), {
    default: [],
    ...secret,
    description: 'accepted values of the credential header; none configured = every monitoring call is 401',
  }),
  hostTarget: Type.String({ default: 'host', description: "name of the gateway's own host target" }),
  maxTargets: Type.Integer({
    minimum: 1,
    default: 200,
    description: 'targets kept at most (each costs its history memory); pushes naming a new one past this are 400',
  }),
  intervalSeconds: Type.Integer({ minimum: 1, default: 10, description: 'host collection and scrape interval' }),
  staleAfterSeconds: Type.Integer({ minimum: 1, default: 60, description: 'no sample for this long = stale' }),
  mountPoint: Type.String({ default: '/', description: 'filesystem for disk_usage / disk_total' }),
  nodeExporters: Type.Array(
    Type.Object(
      { name: Type.String({ minLength: 1 }), url: Type.String({ minLength: 1 }) },
      { additionalProperties: false },
    ),
    {
      default: [],
      description: 'node_exporter endpoints to scrape, e.g. [{"name":"vm1","url":"http://vm1:9100/metrics"}]',
    },
  ),
  history: configSection({
    rawSeconds: Type.Integer({ minimum: 60, default: 3600, description: 'raw samples kept (at intervalSeconds)' }),
    minuteHours: Type.Integer({ minimum: 1, default: 24, description: '1-minute roll-ups kept' }),
    hourDays: Type.Integer({ minimum: 1, default: 30, description: '1-hour roll-ups kept' }),
  }),
  alerts: configSection({
    evaluateSeconds: Type.Integer({ minimum: 1, default: 30 }),
    rules: Type.Array(AlertRuleSchema, { default: [], description: 'threshold and anomaly rules (JSON in env)' }),
    mqttUrl: Type.String({ default: '', description: 'publish alert events to this broker when set' }),
    mqttTopic: Type.String({ default: 'hvac-edge/alerts' }),
  }),
  metering: configSection({
    cloudName: Type.String({ default: 'openstack' }),
    cloudType: Type.String({ default: 'openstack' }),
    cloudTarget: Type.String({ default: '' }),
    credentialId: Type.String({ default: 'hvac-edge' }),
    servers: Type.Array(MeteredServerSchema, { default: [] }),
  }),
});
export type MonitoringConfig = Static<typeof MonitoringConfigSchema>;
