import { SchemaValidator, type Validation } from '../schema-validation.js';
import { type AddEventRequest, AddEventRequestShape, type EdgexEvent, EventShape, type Reading } from './dto.js';
import { checkDecodedSize, DEFAULT_EVENT_LIMITS, type EventLimits } from './limits.js';
import { toOrigin } from './origin.js';
import { normalizeValueType, parsesAsValue } from './value-types.js';

export type { Validation } from '../schema-validation.js';

const eventShape = new SchemaValidator<unknown>(EventShape);
const requestShape = new SchemaValidator<unknown>(AddEventRequestShape);

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The rules JSON Schema cannot say: the value must parse as its valueType, binary needs a media type. */
function readingRules(r: Reading, path: string): string[] {
  const errors: string[] = [];
  if (r.valueType === 'Binary') {
    if (r.binaryValue === undefined) errors.push(`${path}.binaryValue is required for valueType Binary`);
    else if (!BASE64_RE.test(r.binaryValue)) errors.push(`${path}.binaryValue must be base64`);
    if (r.binaryValue !== undefined && !r.mediaType) errors.push(`${path}.mediaType is required with binaryValue`);
  } else if (r.valueType === 'Object' || r.valueType === 'ObjectArray') {
    if (r.objectValue === undefined) errors.push(`${path}.objectValue is required for valueType ${r.valueType}`);
    else if (r.valueType === 'ObjectArray' && !Array.isArray(r.objectValue))
      errors.push(`${path}.objectValue must be an array for valueType ObjectArray`);
  } else if (r.value === undefined) {
    errors.push(`${path}.value is required for valueType ${r.valueType}`);
  } else if (!parsesAsValue(r.valueType, r.value)) {
    errors.push(`${path}.value "${truncate(r.value)}" does not parse as ${r.valueType}`);
  }
  return errors;
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

const isoOf = (ns: bigint) => {
  const ms = Number(ns / 1_000_000n);
  return Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : `${ns} ns`;
};

/**
 * Origins as exact bigints (in place), and the problems of those that are not int64 Unix ns or fall outside the
 * plausible window (the limits' earliest origin, and no further ahead of `nowNs` than they allow).
 */
function originRules(
  e: { origin: unknown; readings: Array<{ origin: unknown }> },
  path: string,
  limits: EventLimits,
  nowNs: bigint,
): string[] {
  const errors: string[] = [];
  const latest = nowNs + limits.originMaxAheadNs;
  const check = (holder: { origin: unknown }, at: string) => {
    const o = toOrigin(holder.origin);
    if (o !== undefined && (o < limits.originMinNs || o > latest)) {
      errors.push(
        `${at}.origin ${o} (${isoOf(o)}) is outside the accepted window ${isoOf(limits.originMinNs)} .. ${isoOf(latest)}`,
      );
    } else if (o === undefined) {
      // A JSON number in int64's range but past 2^53 means the client's decoder rounded it; anything else is simply
      // not an origin.
      const lossy =
        typeof holder.origin === 'number' &&
        Number.isInteger(holder.origin) &&
        holder.origin > Number.MAX_SAFE_INTEGER &&
        holder.origin < 2 ** 63;
      errors.push(
        lossy
          ? `${at}.origin must be an exact int64 (Unix ns); ${holder.origin} came through a lossy decoder`
          : `${at}.origin must be an integer from 1 to 2^63-1 (Unix ns)`,
      );
    } else holder.origin = o;
  };
  check(e, path);
  for (const [i, r] of e.readings.entries()) check(r, `${path}.readings[${i}]`);
  return errors;
}

/** EdgeX matches valueType case-insensitively and stores the canonical spelling ("float64" -> "Float64"). */
function normalizeValueTypes(e: unknown): void {
  const readings = (e as { readings?: unknown } | undefined)?.readings;
  if (!Array.isArray(readings)) return;
  for (const r of readings) {
    if (r && typeof r === 'object' && typeof r.valueType === 'string') {
      const canonical = normalizeValueType(r.valueType);
      if (canonical) r.valueType = canonical;
    }
  }
}

export interface ValidateOptions {
  limits?: EventLimits;
  /** The receiving clock, Unix ns (origins are checked against it). */
  nowNs?: () => bigint;
}

const wallClockNs = () => BigInt(Date.now()) * 1_000_000n;

/** Counts JSON Schema cannot bound per deployment: readings and tags. */
function countRules(e: EdgexEvent, path: string, limits: EventLimits): string[] {
  const errors: string[] = [];
  if (e.readings.length > limits.maxReadings)
    errors.push(`${path}.readings has ${e.readings.length} readings; the limit is ${limits.maxReadings}`);
  const tags = e.tags ? Object.keys(e.tags).length : 0;
  if (tags > limits.maxTags) errors.push(`${path}.tags has ${tags} keys; the limit is ${limits.maxTags}`);
  return errors;
}

function eventRules(e: EdgexEvent, path: string, o: ValidateOptions): string[] {
  const limits = o.limits ?? DEFAULT_EVENT_LIMITS;
  const counts = countRules(e, path, limits);
  if (counts.length) return counts;
  return [
    ...originRules(e, path, limits, (o.nowNs ?? wallClockNs)()),
    ...e.readings.flatMap((r, i) => readingRules(r, `${path}.readings[${i}]`)),
  ];
}

function prefixed(errors: string[], root: string): string[] {
  return root ? errors.map((e) => `${root}.${e}`) : errors;
}

/** Validates an EdgeX v3 Event (origins become exact bigints); never throws, lists every problem with its path. */
export function validateEvent(input: unknown, root = 'event', o: ValidateOptions = {}): Validation<EdgexEvent> {
  try {
    const tooBig = checkDecodedSize(input, o.limits ?? DEFAULT_EVENT_LIMITS, root || 'event');
    if (tooBig) return { ok: false, errors: [tooBig] };
    normalizeValueTypes(input);
    const shape = eventShape.validate(input);
    if (!shape.ok) return { ok: false, errors: prefixed(shape.errors, root) };
    const event = shape.value as EdgexEvent;
    const errors = eventRules(event, root || 'event', o);
    return errors.length ? { ok: false, errors } : { ok: true, value: event };
  } catch (err) {
    return { ok: false, errors: [`${root || 'event'} could not be read: ${(err as Error).message}`] };
  }
}

/** Validates an EdgeX v3 AddEventRequest (origins become exact bigints); never throws. */
export function validateAddEventRequest(input: unknown, o: ValidateOptions = {}): Validation<AddEventRequest> {
  try {
    const tooBig = checkDecodedSize(input, o.limits ?? DEFAULT_EVENT_LIMITS, 'request');
    if (tooBig) return { ok: false, errors: [tooBig] };
    normalizeValueTypes((input as { event?: unknown } | undefined)?.event);
    const shape = requestShape.validate(input);
    if (!shape.ok) return shape;
    const request = shape.value as AddEventRequest;
    const errors = eventRules(request.event, 'event', o);
    return errors.length ? { ok: false, errors } : { ok: true, value: request };
  } catch (err) {
    return { ok: false, errors: [`request could not be read: ${(err as Error).message}`] };
  }
}
