import { configSection, loadConfig, secret } from '@hvac-edge/shared';
import { type Static, Type } from '@sinclair/typebox';

export const AgentConfigSchema = Type.Object(
  {
    deviceName: Type.String({ minLength: 1, default: 'room-1', description: 'EdgeX device name of this Pi' }),
    profileName: Type.String({ minLength: 1, default: 'dht22' }),
    serviceName: Type.String({ minLength: 1, default: 'hvac-edge-agent' }),
    sourceName: Type.String({ minLength: 1, default: 'climate' }),
    location: Type.String({ default: '', description: 'tag carried on every event (e.g. server-room-2)' }),
    log: configSection({ level: Type.String({ default: 'info' }) }),
    sensor: configSection({
      kind: Type.Union([Type.Literal('dht22'), Type.Literal('am2302'), Type.Literal('simulated')], {
        default: 'dht22',
        description: 'simulated must be chosen explicitly; without GPIO a DHT sensor refuses to start',
      }),
      pin: Type.Integer({ minimum: 0, maximum: 53, default: 4, description: 'BCM GPIO pin of the data line' }),
      periodSeconds: Type.Number({ minimum: 2, default: 10, description: 'DHT22 needs ≥ 2 s between reads' }),
      readRetries: Type.Integer({ minimum: 0, default: 3, description: 'retries on checksum/timeout failures' }),
      seed: Type.Integer({ default: 1, description: 'simulated sensor seed (deterministic)' }),
    }),
    quality: configSection({
      maxJumpC: Type.Number({ minimum: 0, default: 5, description: 'larger change between reads = implausible' }),
      maxJumpPct: Type.Number({ minimum: 0, default: 20 }),
      stuckReads: Type.Integer({ minimum: 2, default: 60, description: 'identical reads in a row = stuck' }),
    }),
    gateway: configSection({
      url: Type.String({ default: 'http://127.0.0.1:59880', description: 'gateway base URL' }),
      token: Type.String({ default: '', ...secret, description: 'bearer token (AGENT_GATEWAY_TOKEN_FILE)' }),
      timeoutMs: Type.Integer({ minimum: 100, default: 5000 }),
      retryMinDelayMs: Type.Integer({ minimum: 1, default: 1000 }),
      retryMaxDelayMs: Type.Integer({ minimum: 1, default: 60_000 }),
    }),
    actuator: configSection({
      kind: Type.Union(
        [
          Type.Literal('none'),
          Type.Literal('gpio'),
          Type.Literal('sysfs'),
          Type.Literal('chardev'),
          Type.Literal('simulated'),
        ],
        {
          default: 'none',
          description:
            'cooling relay output. gpio: sysfs GPIO when the kernel has it, else the character device (gpioset); ' +
            'sysfs/chardev force one; simulated must be chosen explicitly',
        },
      ),
      pin: Type.Integer({
        minimum: 0,
        maximum: 53,
        default: 17,
        description: 'BCM GPIO pin of the relay (mapped to the kernel numbering at start)',
      }),
      activeLow: Type.Boolean({ default: false, description: 'relay boards that switch on a low level' }),
      hysteresisC: Type.Number({ minimum: 0.1, default: 1, description: 'band around the set-point' }),
      minOnSeconds: Type.Number({ minimum: 0, default: 180 }),
      minOffSeconds: Type.Number({ minimum: 0, default: 180 }),
      minSetpointC: Type.Number({ default: 18, description: 'commands are clamped to [min, max]' }),
      maxSetpointC: Type.Number({ default: 27 }),
      initialSetpointC: Type.Union([Type.Null(), Type.Number()], {
        default: null,
        description: 'before any command (null: the relay is left alone until one arrives)',
      }),
      upperLimitC: Type.Number({
        default: 27,
        minimum: 15,
        maximum: 45,
        description:
          'local guard: the relay holds a set-point lowered as room air nears this, whatever a command says; no command can switch it off',
      }),
      guardBandC: Type.Number({
        default: 0.5,
        minimum: 0.1,
        maximum: 5,
        description: 'local guard: aims room air at upperLimitC minus this, and never raises the set-point above it',
      }),
    }),
    commands: configSection({
      enabled: Type.Boolean({ default: true, description: 'long-poll the gateway for set-point commands' }),
      waitSeconds: Type.Integer({ minimum: 1, maximum: 60, default: 25 }),
    }),
    clock: configSection(
      {
        trust: Type.Union([Type.Literal('auto'), Type.Literal('always'), Type.Literal('systemd')], {
          default: 'auto',
          description:
            'when readings get wall time: systemd = once timedatectl says NTP synchronised; auto = that when systemd runs; always = at once',
        }),
        checkSeconds: Type.Integer({ minimum: 1, default: 30, description: 'how often to ask until synchronised' }),
      },
      'a Pi has no real-time clock: readings taken before NTP set the clock are stamped once it has',
    ),
    selfMetrics: configSection({
      credential: Type.String({
        default: '',
        ...secret,
        description:
          'gateway monitoring credential; set = the Pi reports its health (AGENT_SELF_METRICS_CREDENTIAL_FILE)',
      }),
      intervalSeconds: Type.Integer({ minimum: 5, default: 30 }),
    }),
    outbox: configSection({
      path: Type.String({ default: './data/agent-outbox.db' }),
      maxBytes: Type.Integer({
        minimum: 65_536,
        default: 104_857_600,
        description: 'disk budget; oldest dropped past it',
      }),
      drainPerSecond: Type.Number({
        exclusiveMinimum: 0,
        default: 50,
        description: 'readings sent per second at most when a backlog drains (a fleet back online must not stampede)',
      }),
    }),
  },
  { additionalProperties: false },
);
export type AgentConfig = Static<typeof AgentConfigSchema>;

export const AGENT_ENV_PREFIX = 'AGENT_';

export function loadAgentConfig(env: NodeJS.ProcessEnv = process.env, overrides?: Record<string, unknown>) {
  return loadConfig<AgentConfig>(AgentConfigSchema, {
    prefix: AGENT_ENV_PREFIX,
    env,
    ...(overrides ? { overrides } : {}),
  });
}
