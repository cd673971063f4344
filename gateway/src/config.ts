import {
  ClosedLoopConfigSection,
  configSection,
  type EventLimits,
  InferenceConfigSection,
  KafkaSecurityProps,
  loadConfig,
  secret,
} from '@hvac-edge/shared';
import { type Static, Type } from '@sinclair/typebox';
import { CommandsConfigSection, HealthConfigSection, LimitsConfigSection } from './config-sections.js';
import { MonitoringConfigSchema } from './monitoring/config.js';

export const GatewayConfigSchema = Type.Object(
  {
    gatewayId: Type.String({ minLength: 1, default: 'gateway-1', description: 'Identifies this gateway downstream' }),
    log: configSection({
      level: Type.Union(
        ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
        { default: 'info', description: 'pino log level' },
      ),
    }),
    runtime: configSection(
      {
        heapGrowthPercent: Type.Integer({
          minimum: 0,
          maximum: 300,
          default: 0,
          description:
            "how far V8's heap may grow past its live objects before a full collection (%); 0: V8's own choice, which under a memory cap (the systemd unit's MemoryMax, a container's limit) already keeps the heap close, since Node sizes V8's old generation from the cap. For a gateway run without one, where V8 sizes its heap from the host's RAM: 30 kept a 10,000-device gateway near 310-330 MB instead of 380-550, at a few % of a core more CPU (README, fleet cost)",
        }),
      },
      'the Node.js process: memory against CPU',
    ),
    http: configSection({
      host: Type.String({ default: '0.0.0.0', description: 'listen address' }),
      port: Type.Integer({ minimum: 0, maximum: 65535, default: 59880, description: 'EdgeX core-data port' }),
      bodyLimitBytes: Type.Integer({ minimum: 1024, default: 262_144, description: 'larger bodies get 413' }),
      maxResultCount: Type.Integer({ minimum: 1, default: 1024, description: 'cap on limit= for queries' }),
      legacyPorts: Type.Array(Type.Integer({ minimum: 0, maximum: 65535 }), {
        default: [],
        description: 'extra listeners for EdgeX v1 clients, e.g. [48080, 48081]; same API',
      }),
      tls: configSection({
        certFile: Type.String({ default: '', description: 'PEM certificate; TLS is on when set' }),
        keyFile: Type.String({ default: '', description: 'PEM private key' }),
      }),
      requestTimeoutMs: Type.Integer({
        minimum: 1000,
        default: 10_000,
        description: 'a request must arrive whole (headers and body) within this; slower ones are cut (408)',
      }),
      idleTimeoutMs: Type.Integer({
        minimum: 1000,
        default: 75_000,
        description: 'a connection idle this long is closed; must exceed the longest command long-poll',
      }),
      dashboard: Type.Boolean({
        default: true,
        description: 'serve the dashboard at / (static files; its data comes from the APIs, behind their tokens)',
      }),
      keepAliveTimeoutMs: Type.Integer({
        minimum: 0,
        default: 15_000,
        description:
          'idle keep-alive connections close after this; longer than the 10 s of periodic clients (agents, ' +
          "Telegraf's flush interval) so that they keep their connection",
      }),
      maxConnections: Type.Integer({ minimum: 1, default: 1024, description: 'connections beyond this are refused' }),
      shutdownTimeoutMs: Type.Integer({
        minimum: 0,
        default: 10_000,
        description: 'graceful shutdown longer than this exits 1',
      }),
    }),
    auth: configSection(
      {
        tokens: Type.Array(Type.String({ minLength: 16 }), {
          default: [],
          ...secret,
          description:
            'bearer tokens of devices and clients (≥16 chars): add events, register metadata, poll commands, read',
        }),
        adminTokens: Type.Array(Type.String({ minLength: 16 }), {
          default: [],
          ...secret,
          description:
            'bearer tokens of operators (≥16 chars): all of the above, plus deletes, set-point commands, /api/v3/config',
        }),
        allowAnonymous: Type.Boolean({
          default: false,
          description:
            'let anyone add events and register devices without a token when listening off loopback (closed networks only; warned at every start)',
        }),
        anonymousReads: Type.Boolean({
          default: false,
          description:
            'with tokens configured, still let reads (GET of events, readings, metadata, /metrics) through without one',
        }),
      },
      'who may do what: deletes always need an admin token; off loopback every write needs a token unless allowAnonymous',
    ),
    limits: LimitsConfigSection,
    rateLimit: configSection({
      perDevicePerMinute: Type.Integer({ minimum: 0, default: 600, description: '0 disables the per-device limit' }),
      trackedDevices: Type.Integer({
        minimum: 100,
        default: 100_000,
        description:
          'devices whose counts the limit keeps (least recently seen forgotten first); above the fleet size, or a forgotten device starts a fresh minute',
      }),
    }),
    store: configSection({
      kind: Type.Union([Type.Literal('sqlite'), Type.Literal('mongodb')], {
        default: 'sqlite',
        description: 'sqlite: embedded; mongodb: events in MongoDB (metadata and commands stay in the SQLite file)',
      }),
      path: Type.String({ default: './data/gateway.db', description: 'SQLite file (WAL mode)' }),
      mongo: configSection({
        url: Type.String({
          default: 'mongodb://127.0.0.1:27017',
          ...secret,
          description: 'connection string (may carry credentials: GATEWAY_STORE_MONGO_URL_FILE)',
        }),
        database: Type.String({ minLength: 1, default: 'hvac_edge' }),
        collection: Type.String({ minLength: 1, default: 'events' }),
        journal: Type.Boolean({ default: true, description: 'write concern j: acknowledged = in the journal' }),
        timeoutMs: Type.Integer({
          minimum: 100,
          default: 3000,
          description: 'server selection: how fast an outage is 503',
        }),
      }),
      synchronous: Type.Union([Type.Literal('full'), Type.Literal('normal')], {
        default: 'full',
        description: 'full: fsync per group commit (survives power loss); normal: survives process crashes only',
      }),
      commitWindowMs: Type.Integer({
        minimum: 0,
        maximum: 50,
        default: 5,
        description:
          'embedded store: an append reaching an idle writer waits up to this long for others to share its commit and ' +
          'its fsync (a fleet posting every few seconds: a quarter of the writer CPU and fewer bytes written); a device ' +
          'that sends its next event on the answer to its last never waits; 0: at once',
      }),
      highWaterMark: Type.Integer({
        minimum: 1,
        default: 1_000_000,
        description: 'pending events at which ingest answers 503 + Retry-After',
      }),
      retryAfterSeconds: Type.Integer({ minimum: 1, default: 5, description: 'Retry-After on 503' }),
    }),
    health: HealthConfigSection,
    retention: configSection({
      schedule: Type.String({ default: '*/5 * * * *', description: 'node-cron expression' }),
      forwardedMaxAgeHours: Type.Number({ minimum: 0, default: 24, description: 'forwarded events kept this long' }),
      maxCap: Type.Integer({ minimum: 0, default: 500_000, description: 'EdgeX MaxCap: purge when above' }),
      minCap: Type.Integer({ minimum: 0, default: 400_000, description: 'EdgeX MinCap: purge down to' }),
      maxDiskBytes: Type.Integer({
        minimum: 0,
        default: 2_147_483_648,
        description: 'hard disk budget: past it the oldest events go, pending included (counted, logged); 0 = none',
      }),
    }),
    kafka: configSection({
      brokers: Type.Array(Type.String({ minLength: 1 }), {
        default: [],
        description: 'host:port list; empty = no forwarding (events stay buffered)',
      }),
      clientId: Type.String({ default: 'hvac-edge-gateway' }),
      topic: Type.String({ minLength: 1, default: 'hvac-edge.events', description: 'events topic, key = device name' }),
      compression: Type.Union([Type.Literal('none'), Type.Literal('gzip')], { default: 'none' }),
      batchSize: Type.Integer({
        minimum: 1,
        maximum: 10_000,
        default: 1000,
        description: 'events per produce request',
      }),
      commandsTopic: Type.String({
        default: 'hvac-edge.commands',
        description: 'set-point commands relayed to devices; empty = no relay',
      }),
      idleMs: Type.Integer({ minimum: 10, default: 1000, description: 'poll interval when nothing is pending' }),
      lingerMs: Type.Integer({
        minimum: 0,
        default: 50,
        description:
          'events arriving one by one wait this long to leave together (one publish, one sink commit, for many); 0 = each at once',
      }),
      retryMinDelayMs: Type.Integer({ minimum: 1, default: 500, description: 'first backoff after a failed publish' }),
      retryMaxDelayMs: Type.Integer({ minimum: 1, default: 30_000, description: 'backoff cap (jittered)' }),
      ...KafkaSecurityProps,
    }),
    weather: configSection({
      provider: Type.Union(
        [
          Type.Literal('none'),
          Type.Literal('fixed'),
          Type.Literal('simulated'),
          Type.Literal('openweathermap'),
          Type.Literal('open-meteo'),
        ],
        {
          default: 'none',
          description: 'none: events carry weather null; simulated: the shared simulator (offline, demo)',
        },
      ),
      lat: Type.Number({ minimum: -90, maximum: 90, default: 35.1595, description: 'site latitude (Gwangju)' }),
      lon: Type.Number({ minimum: -180, maximum: 180, default: 126.8526, description: 'site longitude' }),
      apiKey: Type.String({ default: '', ...secret, description: 'OpenWeatherMap API key' }),
      baseUrl: Type.String({ default: '', description: "provider base URL; empty = the provider's public one" }),
      schedule: Type.String({
        default: '*/10 * * * *',
        description: 'node-cron poll schedule (OWM free tier: ≥ 1/min)',
      }),
      maxAgeMinutes: Type.Number({
        minimum: 0,
        default: 30,
        description: 'observations further from the event are stale',
      }),
      retries: Type.Integer({ minimum: 0, default: 3 }),
      retryMinDelayMs: Type.Integer({ minimum: 1, default: 2000 }),
      timeoutMs: Type.Integer({ minimum: 100, default: 10_000 }),
      simulatedSeed: Type.Integer({
        default: 1,
        description:
          "simulated provider's seed; the same as the agent's sensor.seed gives the simulated room's weather",
      }),
      fixed: configSection({
        temperatureC: Type.Number({ default: 25 }),
        humidityPct: Type.Number({ minimum: 0, maximum: 100, default: 60 }),
        weatherStatus: Type.Integer({ minimum: 1, maximum: 9, default: 6 }),
      }),
    }),
    mqtt: configSection(
      {
        enabled: Type.Boolean({ default: false, description: 'ingest EdgeX events from an MQTT broker' }),
        url: Type.String({
          pattern: '^(mqtt|tcp|mqtts|ssl|tls)://',
          default: 'mqtt://127.0.0.1:1883',
          description: 'broker URL: mqtt:// (or tcp://), mqtts:// (or ssl://, tls://) for TLS',
        }),
        username: Type.String({ default: '' }),
        password: Type.String({ default: '', ...secret, description: 'GATEWAY_MQTT_PASSWORD_FILE' }),
        clientId: Type.String({ minLength: 1, default: 'hvac-edge-gateway', description: 'persistent session id' }),
        topicPrefix: Type.String({
          minLength: 1,
          default: 'edgex/events/device',
          description: 'EdgeX topics: <prefix>/{service}/{profile}/{device}/{source}',
        }),
        connections: Type.Integer({
          minimum: 1,
          maximum: 512,
          default: 4,
          description: 'connections sharing the subscription ($share); each pipelines up to mqtt.maxInFlight messages',
        }),
        maxInFlight: Type.Integer({
          minimum: 1,
          maximum: 65535,
          default: 200,
          description: 'per connection: messages awaiting durability before the gateway stops reading from the broker',
        }),
        keepaliveSeconds: Type.Integer({ minimum: 0, maximum: 65535, default: 60, description: '0: none' }),
        retryMinDelayMs: Type.Integer({ minimum: 1, default: 500, description: 'store outage: first backoff' }),
        retryMaxDelayMs: Type.Integer({ minimum: 1, default: 30_000 }),
        maxPayloadBytes: Type.Integer({
          minimum: 1024,
          default: 262_144,
          description: 'larger messages are dropped (counted as invalid); set the broker limit to match',
        }),
        embeddedBroker: configSection({
          enabled: Type.Boolean({ default: false, description: 'run an MQTT broker (aedes) in the gateway' }),
          host: Type.String({ default: '127.0.0.1', description: 'off loopback it needs users' }),
          port: Type.Integer({ minimum: 0, maximum: 65535, default: 1883 }),
          users: Type.Array(
            Type.Object(
              { username: Type.String({ minLength: 1 }), password: Type.String({ minLength: 12 }) },
              { additionalProperties: false },
            ),
            {
              default: [],
              ...secret,
              description:
                'devices that may connect, e.g. [{"username":"room-1","password":"…"}]; each publishes only its own device topics',
            },
          ),
        }),
      },
      'EdgeX message-bus ingest over MQTT (QoS 1, acknowledged once durable)',
    ),
    embeddedSink: configSection(
      {
        enabled: Type.Boolean({
          default: false,
          description: 'run the cloud sink in this process (single box, no Kafka); exclusive with kafka.brokers',
        }),
        pointsPath: Type.String({ default: './data/points.db', description: 'embedded point store (SQLite)' }),
        retentionDays: Type.Number({ exclusiveMinimum: 0, default: 30, description: 'points older than this go' }),
        inference: InferenceConfigSection,
        closedLoop: ClosedLoopConfigSection,
      },
      'the cloud sink embedded in the gateway: points to a local store, inference, closed loop (the same inference and closedLoop settings as the cloud sink)',
    ),
    commands: CommandsConfigSection,
    monitoring: MonitoringConfigSchema,
    legacy: configSection({
      profileName: Type.String({ minLength: 1, default: 'legacy-v1', description: 'profile for v1 events' }),
    }),
  },
  { additionalProperties: false },
);

export type GatewayConfig = Static<typeof GatewayConfigSchema>;

export const ENV_PREFIX = 'GATEWAY_';

export function loadGatewayConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides?: Record<string, unknown>,
): Readonly<GatewayConfig> {
  return loadConfig<GatewayConfig>(GatewayConfigSchema, {
    prefix: ENV_PREFIX,
    env,
    rules: [
      (c: GatewayConfig) =>
        !isLoopback(c.http.host) && c.auth.tokens.length === 0 && !c.auth.allowAnonymous
          ? `http.host ${c.http.host} is reachable from the network and no auth.tokens are set: anyone could add data. ` +
            'Set auth.tokens (GATEWAY_AUTH_TOKENS_FILE), or listen on 127.0.0.1, or set auth.allowAnonymous: true on a closed network'
          : undefined,
      (c: GatewayConfig) =>
        c.mqtt.embeddedBroker.enabled &&
        !isLoopback(c.mqtt.embeddedBroker.host) &&
        c.mqtt.embeddedBroker.users.length === 0
          ? `mqtt.embeddedBroker.host ${c.mqtt.embeddedBroker.host} is reachable from the network and no mqtt.embeddedBroker.users are set; add users or listen on 127.0.0.1`
          : undefined,
      (c: GatewayConfig) =>
        c.store.kind === 'mongodb' && c.limits.maxDepth > 90
          ? `limits.maxDepth (${c.limits.maxDepth}) must be 90 or less with store.kind mongodb: MongoDB nests a document at most 100 levels, and an event adds a few`
          : undefined,
      (c: GatewayConfig) =>
        c.commands.minSetpointC >= c.commands.maxSetpointC
          ? `commands.minSetpointC (${c.commands.minSetpointC}) must be below commands.maxSetpointC (${c.commands.maxSetpointC})`
          : undefined,
      (c: GatewayConfig) =>
        c.http.idleTimeoutMs <= c.commands.maxWaitSeconds * 1000
          ? `http.idleTimeoutMs (${c.http.idleTimeoutMs}) must exceed commands.maxWaitSeconds (${c.commands.maxWaitSeconds} s): long polls would be cut`
          : undefined,
      (c: GatewayConfig) =>
        c.embeddedSink.enabled && c.kafka.brokers.length > 0
          ? 'embeddedSink.enabled and kafka.brokers are exclusive: events go to the embedded sink or to Kafka, not both'
          : undefined,
    ],
    ...(overrides ? { overrides } : {}),
  });
}

/** The configured clock-skew flags in the flagger's terms. */
export function clockSkewLimits(l: Readonly<GatewayConfig['limits']>) {
  return { aheadSeconds: l.clockSkewAheadSeconds, behindSeconds: l.clockSkewBehindSeconds };
}

/** The configured event limits in the validators' terms. */
export function eventLimits(l: Readonly<GatewayConfig['limits']>): EventLimits {
  return {
    maxEventBytes: l.maxEventBytes,
    maxDepth: l.maxDepth,
    maxStringLength: l.maxStringLength,
    maxReadings: l.maxReadings,
    maxTags: l.maxTags,
    originMinNs: BigInt(Date.parse(l.originMin)) * 1_000_000n,
    originMaxAheadNs: BigInt(l.originMaxAheadSeconds) * 1_000_000_000n,
  };
}

/** Whether an address is only reachable from this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
