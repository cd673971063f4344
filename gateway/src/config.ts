import { loadConfig, secret } from '@hvac-edge/shared';
import { type Static, Type } from '@sinclair/typebox';

const Obj = <T extends Parameters<typeof Type.Object>[0]>(props: T, description?: string) =>
  Type.Object(props, { default: {}, additionalProperties: false, ...(description ? { description } : {}) });

export const GatewayConfigSchema = Type.Object(
  {
    gatewayId: Type.String({ minLength: 1, default: 'gateway-1', description: 'Identifies this gateway downstream' }),
    log: Obj({
      level: Type.Union(
        ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
        { default: 'info' },
      ),
    }),
    http: Obj({
      host: Type.String({ default: '0.0.0.0' }),
      port: Type.Integer({ minimum: 0, maximum: 65535, default: 59880, description: 'EdgeX core-data port' }),
      bodyLimitBytes: Type.Integer({ minimum: 1024, default: 262_144, description: 'larger bodies get 413' }),
      maxResultCount: Type.Integer({ minimum: 1, default: 1024, description: 'cap on limit= for queries' }),
      /** Extra listeners for EdgeX v1 clients (e.g. [48080, 48081]); they serve the same API. */
      legacyPorts: Type.Array(Type.Integer({ minimum: 0, maximum: 65535 }), { default: [] }),
      tls: Obj({
        certFile: Type.String({ default: '' }),
        keyFile: Type.String({ default: '' }),
      }),
      shutdownTimeoutMs: Type.Integer({ minimum: 0, default: 10_000 }),
    }),
    auth: Obj({
      /** Bearer tokens accepted on write endpoints; empty = no auth (documented as for closed networks only). */
      tokens: Type.Array(Type.String({ minLength: 16 }), { default: [], ...secret }),
    }),
    rateLimit: Obj({
      perDevicePerMinute: Type.Integer({ minimum: 0, default: 600, description: '0 disables the per-device limit' }),
    }),
    store: Obj({
      kind: Type.Union([Type.Literal('sqlite')], { default: 'sqlite' }),
      path: Type.String({ default: './data/gateway.db' }),
      /** full = fsync on every group commit (power-loss safe); normal = safe against process crashes only. */
      synchronous: Type.Union([Type.Literal('full'), Type.Literal('normal')], { default: 'full' }),
      /** Pending events above this answer 503 with Retry-After instead of accepting. */
      highWaterMark: Type.Integer({ minimum: 1, default: 1_000_000 }),
      retryAfterSeconds: Type.Integer({ minimum: 1, default: 5 }),
    }),
    retention: Obj({
      schedule: Type.String({ default: '*/5 * * * *', description: 'node-cron expression' }),
      forwardedMaxAgeHours: Type.Number({ minimum: 0, default: 24 }),
      maxCap: Type.Integer({ minimum: 0, default: 500_000, description: 'EdgeX MaxCap: purge when above' }),
      minCap: Type.Integer({ minimum: 0, default: 400_000, description: 'EdgeX MinCap: purge down to' }),
      /** Hard disk budget; only here may pending events be dropped (oldest first, counted). 0 = none. */
      maxDiskBytes: Type.Integer({ minimum: 0, default: 2_147_483_648 }),
    }),
    legacy: Obj({
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
    ...(overrides ? { overrides } : {}),
  });
}
