import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { EventSchema, EventShape } from './edgex/dto.js';
import { parseEdgexJson, stringifyEvent } from './edgex/json.js';
import type { EventLimits } from './edgex/limits.js';
import { MAX_ORIGIN_NS } from './edgex/origin.js';
import { validateEvent } from './edgex/validate.js';
import { SchemaValidator, type Validation } from './schema-validation.js';

/** Bumped on any change a consumer must know about; consumers reject versions they do not know. */
export const ENRICHED_EVENT_SCHEMA_VERSION = 1;

export const WeatherObservationSchema = Type.Object(
  {
    provider: Type.String({ minLength: 1, description: 'openweathermap | open-meteo | fixed' }),
    observedAt: Type.Integer({ minimum: 0, description: 'Unix ms the provider observed the weather' }),
    ageSeconds: Type.Number({ minimum: 0, description: 'event origin minus observedAt, in seconds' }),
    stale: Type.Boolean({ description: 'true when older than the configured maximum age' }),
    temperatureC: Type.Number(),
    humidityPct: Type.Number({ minimum: 0, maximum: 100 }),
    weatherStatus: Type.Integer({ minimum: 1, maximum: 9, description: 'source-report weather code 1..9' }),
    main: Type.Optional(Type.String({ description: "provider's group name, e.g. OWM weather[0].main" })),
  },
  { $id: 'WeatherObservation', additionalProperties: false },
);
export type WeatherObservation = Static<typeof WeatherObservationSchema>;

const enrichedEventSchema = <E extends TSchema>(event: E) =>
  Type.Object(
    {
      schemaVersion: Type.Literal(ENRICHED_EVENT_SCHEMA_VERSION),
      gatewayId: Type.String({ minLength: 1 }),
      receivedAt: Type.Integer({ minimum: 0, description: 'Unix ms the gateway made the event durable' }),
      sequence: Type.Integer({ minimum: 1, description: 'per-device sequence assigned by the gateway, from 1' }),
      event,
      weather: Type.Union([WeatherObservationSchema, Type.Null()]),
    },
    { $id: 'EnrichedEvent', additionalProperties: false },
  );

/** The message on the events topic, from gateway to cloud sink. Key = device name; origins are exact int64 ns. */
export const EnrichedEventSchema = enrichedEventSchema(EventSchema);
export type EnrichedEvent = Static<typeof EnrichedEventSchema>;

const shape = new SchemaValidator<EnrichedEvent>(enrichedEventSchema(EventShape));

/**
 * Downstream of a gateway, which already held every event to its configured limits: only what would hurt the
 * consumer itself is refused (the gateway's own origin window and sizes may be wider than the defaults).
 */
const DOWNSTREAM_LIMITS: EventLimits = {
  maxEventBytes: 4 * 1024 * 1024,
  maxDepth: 64,
  maxStringLength: 1024 * 1024,
  maxReadings: 10_000,
  maxTags: 1000,
  originMinNs: 1n,
  originMaxAheadNs: MAX_ORIGIN_NS,
};

/** Validates a decoded message; never throws. */
export function validateEnrichedEvent(input: unknown): Validation<EnrichedEvent> {
  try {
    const result = shape.validate(input);
    if (!result.ok) return result;
    const event = validateEvent(result.value.event, 'event', { limits: DOWNSTREAM_LIMITS });
    return event.ok ? result : event;
  } catch (err) {
    return { ok: false, errors: [`message could not be read: ${(err as Error).message}`] };
  }
}

export function encodeEnrichedEvent(message: EnrichedEvent): Buffer {
  const { event, ...envelope } = message;
  return encodeEnrichedEventJson(envelope, stringifyEvent(event));
}

/**
 * The same bytes' meaning as `encodeEnrichedEvent`, built around an event that is already JSON (as a store keeps
 * it), so a forwarder does not parse and re-serialise every event on the hot path.
 */
export function encodeEnrichedEventJson(message: Omit<EnrichedEvent, 'event'>, eventJson: string): Buffer {
  return Buffer.from(
    `{"schemaVersion":${message.schemaVersion},"gatewayId":${JSON.stringify(message.gatewayId)},"receivedAt":${message.receivedAt},"sequence":${message.sequence},"event":${eventJson},"weather":${JSON.stringify(message.weather)}}`,
  );
}

/** Parses and validates bytes from Kafka; the reason names what is wrong (for the dead-letter topic). */
export function decodeEnrichedEvent(bytes: Buffer | string | null): Validation<EnrichedEvent> {
  if (bytes === null) return { ok: false, errors: ['message has no value'] };
  let parsed: unknown;
  try {
    parsed = parseEdgexJson(typeof bytes === 'string' ? bytes : bytes.toString('utf8'));
  } catch (err) {
    return { ok: false, errors: [`message is not JSON: ${(err as Error).message}`] };
  }
  return validateEnrichedEvent(parsed);
}
