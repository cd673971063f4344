import { type Static, Type } from '@sinclair/typebox';
import { VALUE_TYPES } from './value-types.js';

export const API_VERSION = 'v3';

const NonEmpty = Type.String({ minLength: 1, pattern: '\\S' });
const Tags = Type.Record(Type.String(), Type.Unknown());
/** Unix nanoseconds; JSON numbers above 2^53 lose precision, which EdgeX clients accept too. */
const OriginNs = Type.Integer({ minimum: 1, description: 'Unix time in nanoseconds' });

export const ReadingSchema = Type.Object(
  {
    id: Type.Optional(Type.String({ format: 'uuid' })),
    origin: OriginNs,
    deviceName: NonEmpty,
    resourceName: NonEmpty,
    profileName: NonEmpty,
    valueType: Type.Union(VALUE_TYPES.map((t) => Type.Literal(t))),
    units: Type.Optional(Type.String()),
    tags: Type.Optional(Tags),
    value: Type.Optional(Type.String()),
    binaryValue: Type.Optional(Type.String({ contentEncoding: 'base64' })),
    mediaType: Type.Optional(Type.String()),
    objectValue: Type.Optional(Type.Unknown()),
  },
  { $id: 'EdgexReading' },
);
export type Reading = Static<typeof ReadingSchema>;

export const EventSchema = Type.Object(
  {
    apiVersion: Type.Optional(Type.String()),
    id: Type.String({ format: 'uuid' }),
    deviceName: NonEmpty,
    profileName: NonEmpty,
    sourceName: NonEmpty,
    origin: OriginNs,
    readings: Type.Array(ReadingSchema, { minItems: 1 }),
    tags: Type.Optional(Tags),
  },
  { $id: 'EdgexEvent' },
);
export type EdgexEvent = Static<typeof EventSchema>;

export const AddEventRequestSchema = Type.Object(
  {
    apiVersion: Type.String({ minLength: 1 }),
    requestId: Type.Optional(Type.Union([Type.Literal(''), Type.String({ format: 'uuid' })])),
    event: EventSchema,
  },
  { $id: 'AddEventRequest' },
);
export type AddEventRequest = Static<typeof AddEventRequestSchema>;

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
