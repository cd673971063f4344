import { configSection } from '@hvac-edge/shared';
import { Type } from '@sinclair/typebox';

// Sections of the gateway's config schema (config.ts), kept here so that file stays readable.

export const LimitsConfigSection = configSection(
  {
    maxEventBytes: Type.Integer({
      minimum: 1024,
      default: 65_536,
      description: 'decoded size of one event (after JSON or CBOR decoding, not bytes on the wire)',
    }),
    maxDepth: Type.Integer({
      minimum: 4,
      maximum: 256,
      default: 32,
      description: 'nesting of objectValue and tags',
    }),
    maxStringLength: Type.Integer({ minimum: 64, default: 16_384, description: 'length of any one string or key' }),
    maxReadings: Type.Integer({ minimum: 1, default: 256, description: 'readings per event' }),
    maxTags: Type.Integer({ minimum: 0, default: 64, description: "keys of an event's tags" }),
    originMin: Type.String({
      format: 'date-time',
      default: '2000-01-01T00:00:00Z',
      description: 'events and readings with an earlier origin are refused (400)',
    }),
    originMaxAheadSeconds: Type.Integer({
      minimum: 0,
      default: 86_400,
      description: "origins further than this ahead of the gateway's clock are refused (400)",
    }),
    clockSkewAheadSeconds: Type.Integer({
      minimum: 1,
      default: 60,
      description: 'origins this far ahead of the receive time are kept but tagged (clockSkewSeconds) and counted',
    }),
    clockSkewBehindSeconds: Type.Integer({
      minimum: 1,
      default: 30 * 86_400,
      description:
        'origins this far behind the receive time (beyond any outage backlog) are kept but tagged and counted',
    }),
  },
  'bounds on every event, whichever way it arrives (HTTP JSON or CBOR, MQTT, EdgeX v1)',
);

export const HealthConfigSection = configSection(
  {
    maxBacklogAgeSeconds: Type.Integer({
      minimum: 1,
      default: 300,
      description: 'forwarding on and the oldest pending event older than this: /readyz says degraded',
    }),
    bufferDegradedFraction: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1,
      default: 0.8,
      description: 'pending events at this fraction of store.highWaterMark: /readyz says degraded',
    }),
    forwarderFailures: Type.Integer({
      minimum: 1,
      default: 3,
      description: 'publish attempts failed in a row before /readyz says degraded',
    }),
    forwarderStallSeconds: Type.Integer({
      minimum: 1,
      default: 60,
      description: 'one publish waiting longer than this: /readyz says degraded',
    }),
  },
  'when /readyz says degraded (200, still accepting) rather than ok',
);

export const CommandsConfigSection = configSection({
  defaultTtlSeconds: Type.Integer({ minimum: 1, default: 900, description: 'expiry of a command that names none' }),
  maxWaitSeconds: Type.Integer({ minimum: 0, default: 30, description: 'longest long-poll of an agent' }),
  minSetpointC: Type.Number({
    default: 16,
    description:
      'lowest set-point the gateway queues: the API refuses one below (400), recommendations are clamped to it',
  }),
  maxSetpointC: Type.Number({ default: 30, description: 'highest set-point the gateway queues (as minSetpointC)' }),
  maxPerDevicePerMinute: Type.Integer({
    minimum: 0,
    default: 6,
    description: 'commands queued per device per minute from all sources (API: 429 beyond); 0 = no limit',
  }),
});
