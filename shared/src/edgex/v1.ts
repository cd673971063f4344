import { randomUUID } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import { SchemaValidator, type Validation } from '../schema-validation.js';
import { API_VERSION, type EdgexEvent, type Reading } from './dto.js';
import type { EventLimits } from './limits.js';
import { msToOrigin } from './origin.js';
import { validateEvent } from './validate.js';
import type { ValueType } from './value-types.js';

/** EdgeX v1 (Edinburgh..Hanoi) reading, as the source report's Raspberry Pi client posts it. */
export const V1ReadingSchema = Type.Object({
  id: Type.Optional(Type.String()),
  origin: Type.Optional(Type.Integer({ minimum: 0 })),
  device: Type.Optional(Type.String()),
  name: Type.String({ minLength: 1 }),
  value: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
  valueType: Type.Optional(Type.String()),
  binaryValue: Type.Optional(Type.String()),
  mediaType: Type.Optional(Type.String()),
});
export type V1Reading = Static<typeof V1ReadingSchema>;

export const V1EventSchema = Type.Object({
  id: Type.Optional(Type.String()),
  device: Type.String({ minLength: 1 }),
  origin: Type.Optional(Type.Integer({ minimum: 0 })),
  readings: Type.Array(V1ReadingSchema, { minItems: 1 }),
});
export type V1Event = Static<typeof V1EventSchema>;

const v1Shape = new SchemaValidator<V1Event>(V1EventSchema);

/** v1 value-descriptor `type` letters (F, I, S, B, J...) to v3 value types. */
export function valueTypeFromV1Descriptor(type: string | undefined): ValueType | undefined {
  switch ((type ?? '').trim().toUpperCase()) {
    case 'F':
    case 'FLOAT':
    case 'FLOAT64':
      return 'Float64';
    case 'I':
    case 'INT':
    case 'INT64':
      return 'Int64';
    case 'B':
    case 'BOOL':
      return 'Bool';
    case 'S':
    case 'STRING':
      return 'String';
    case 'J':
    case 'JSON':
      return 'Object';
    default:
      return undefined;
  }
}

/**
 * v1 clients sent origins in ms (the report's client even sends a constant), device services in ns.
 * Magnitude decides: modern ns values are ~1.7e18, ms ~1.7e12.
 */
export function originToNs(origin: number | undefined, nowNs: () => bigint): bigint {
  if (!origin || origin <= 0 || !Number.isFinite(origin)) return nowNs();
  const o = BigInt(Math.trunc(origin));
  if (origin >= 1e17) return o;
  if (origin >= 1e14) return o * 1_000n;
  return o * 1_000_000n;
}

export interface V1ConvertOptions {
  /** Profile the v3 event carries; v1 events name none. */
  profileName: string;
  sourceName?: string;
  /** Value type registered for a reading name (v1 value descriptors); otherwise inferred from the JSON value. */
  valueTypeOf?: (readingName: string) => ValueType | undefined;
  nowNs?: () => bigint;
  newId?: () => string;
  limits?: EventLimits;
}

function inferValueType(value: unknown): ValueType {
  if (typeof value === 'number') return 'Float64';
  if (typeof value === 'boolean') return 'Bool';
  return 'String';
}

const wallClockNs = () => msToOrigin(Date.now());

function convertReading(r: V1Reading, event: V1Event, originNs: bigint, options: V1ConvertOptions): Reading {
  const nowNs = options.nowNs ?? wallClockNs;
  const base = {
    id: options.newId?.() ?? randomUUID(),
    origin: r.origin ? originToNs(r.origin, nowNs) : originNs,
    deviceName: r.device || event.device,
    resourceName: r.name,
    profileName: options.profileName,
  };
  if (r.binaryValue !== undefined) {
    return { ...base, valueType: 'Binary', binaryValue: r.binaryValue, mediaType: r.mediaType ?? '' };
  }
  const valueType = valueTypeFromV1Descriptor(r.valueType) ?? options.valueTypeOf?.(r.name) ?? inferValueType(r.value);
  if (valueType === 'Object') {
    let objectValue: unknown = r.value;
    if (typeof r.value === 'string') {
      try {
        objectValue = JSON.parse(r.value);
      } catch {
        objectValue = undefined;
      }
    }
    return { ...base, valueType, objectValue };
  }
  return { ...base, valueType, value: r.value === undefined ? '' : String(r.value) };
}

/** Converts a v1 event to a v3 event (new ids, ns origins); the result is checked with the v3 validator. */
export function convertV1Event(input: unknown, options: V1ConvertOptions): Validation<EdgexEvent> {
  try {
    const shape = v1Shape.validate(input);
    if (!shape.ok) return shape;
    const v1 = shape.value;
    const origin = originToNs(v1.origin, options.nowNs ?? wallClockNs);
    const event: EdgexEvent = {
      apiVersion: API_VERSION,
      id: options.newId?.() ?? randomUUID(),
      deviceName: v1.device,
      profileName: options.profileName,
      sourceName: options.sourceName ?? 'v1-event',
      origin,
      readings: v1.readings.map((r) => convertReading(r, v1, origin, options)),
      tags: { 'edgex-api': 'v1' },
    };
    return validateEvent(event, 'event', {
      nowNs: options.nowNs ?? wallClockNs,
      ...(options.limits ? { limits: options.limits } : {}),
    });
  } catch (err) {
    return { ok: false, errors: [`v1 event could not be read: ${(err as Error).message}`] };
  }
}
