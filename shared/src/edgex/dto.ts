import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { VALUE_TYPES } from './value-types.js';

export const API_VERSION = 'v3';

const UUID_OR_EMPTY = '^(?:[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12})?$';
const NonEmpty = Type.String({ minLength: 1, pattern: '\\S' });
const Tags = Type.Record(Type.String(), Type.Unknown());

/**
 * Unix nanoseconds, exactly: an int64 on the wire (JSON or CBOR integer), a bigint in memory. The shape validators
 * (ajv) cannot type a bigint, so they take the origin as is and `validateEvent` checks it.
 */
export const OriginNs = Type.Unsafe<bigint>({
  type: 'integer',
  format: 'int64',
  minimum: 1,
  description: 'Unix time in nanoseconds (int64)',
});

const readingSchema = <O extends TSchema>(origin: O) =>
  Type.Object(
    {
      id: Type.Optional(Type.String({ format: 'uuid' })),
      origin,
      deviceName: NonEmpty,
      resourceName: NonEmpty,
      profileName: NonEmpty,
      // An enum, not a union of literals: with allErrors, ajv records a failed branch per literal before the match
      // (a dozen error objects per reading on the ingest path).
      valueType: Type.Unsafe<(typeof VALUE_TYPES)[number]>({ type: 'string', enum: [...VALUE_TYPES] }),
      units: Type.Optional(Type.String()),
      tags: Type.Optional(Tags),
      value: Type.Optional(Type.String()),
      binaryValue: Type.Optional(Type.String({ contentEncoding: 'base64' })),
      mediaType: Type.Optional(Type.String()),
      objectValue: Type.Optional(Type.Unknown()),
    },
    { $id: 'EdgexReading' },
  );

const eventSchema = <O extends TSchema>(origin: O) =>
  Type.Object(
    {
      apiVersion: Type.Optional(Type.String()),
      id: Type.String({ format: 'uuid' }),
      deviceName: NonEmpty,
      profileName: NonEmpty,
      sourceName: NonEmpty,
      origin,
      readings: Type.Array(readingSchema(origin), { minItems: 1 }),
      tags: Type.Optional(Tags),
    },
    { $id: 'EdgexEvent' },
  );

const addEventRequestSchema = <O extends TSchema>(origin: O) =>
  Type.Object(
    {
      apiVersion: Type.String({ minLength: 1 }),
      // Empty or a UUID, as one pattern rather than a union (see valueType).
      requestId: Type.Optional(Type.String({ pattern: UUID_OR_EMPTY, description: 'a UUID, or empty' })),
      event: eventSchema(origin),
    },
    { $id: 'AddEventRequest' },
  );

/** The contract (and the OpenAPI document's schema): origins are exact int64. */
export const ReadingSchema = readingSchema(OriginNs);
export const EventSchema = eventSchema(OriginNs);
export const AddEventRequestSchema = addEventRequestSchema(OriginNs);
export type Reading = Static<typeof ReadingSchema>;
export type EdgexEvent = Static<typeof EventSchema>;
export type AddEventRequest = Static<typeof AddEventRequestSchema>;

/** What the shape validators check: the same, with origins left to the code (bigint or number as decoded). */
export const EventShape = eventSchema(Type.Unknown());
export const AddEventRequestShape = addEventRequestSchema(Type.Unknown());

/** EdgeX BaseResponse envelope. */
export interface BaseResponse {
  apiVersion: string;
  requestId?: string;
  message?: string;
  statusCode: number;
}

export interface BaseWithIdResponse extends BaseResponse {
  id: string;
}
