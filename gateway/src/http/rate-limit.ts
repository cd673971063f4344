import type { FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config.js';
import type { GatewayMetrics, IngestTransport } from '../metrics.js';

/**
 * The per-device ingest limit (@fastify/rate-limit, route config): `rateLimit.perDevicePerMinute` per device name,
 * counted as `rate_limited` for the transport; false when the limit is off.
 */
export function perDeviceRateLimit(
  config: Readonly<GatewayConfig>,
  metrics: Pick<GatewayMetrics, 'ingest'>,
  transport: IngestTransport,
  deviceOf: (req: FastifyRequest) => string,
) {
  if (config.rateLimit.perDevicePerMinute <= 0) return false;
  return {
    max: config.rateLimit.perDevicePerMinute,
    timeWindow: 60_000,
    hook: 'preHandler' as const,
    // Each route's store (the plugin's option does not reach route stores). Its default of 5,000 entries forgot the
    // devices of a larger fleet between their readings: each started a fresh minute at every post, unlimited.
    cache: config.rateLimit.trackedDevices,
    keyGenerator: (req: FastifyRequest) => `${transport}:${deviceOf(req)}`,
    // The limit's headers on a 429 only (with Retry-After), not on every accepted post: devices do not read them,
    // and at fleet scale they were three more header lines built and sent a reading.
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    onExceeded: () => metrics.ingest.inc({ transport, outcome: 'rate_limited' }),
  };
}
