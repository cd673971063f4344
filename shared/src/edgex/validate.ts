import { SchemaValidator, type Validation } from '../schema-validation.js';
import { type AddEventRequest, AddEventRequestSchema, type EdgexEvent, EventSchema, type Reading } from './dto.js';
import { parsesAsValue } from './value-types.js';

export type { Validation } from '../schema-validation.js';

const eventShape = new SchemaValidator<EdgexEvent>(EventSchema);
const requestShape = new SchemaValidator<AddEventRequest>(AddEventRequestSchema);

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

function eventRules(e: EdgexEvent, path: string): string[] {
  return e.readings.flatMap((r, i) => readingRules(r, `${path}.readings[${i}]`));
}

function prefixed(errors: string[], root: string): string[] {
  return root ? errors.map((e) => `${root}.${e}`) : errors;
}

/** Validates an EdgeX v3 Event; never throws, lists every problem with its field path. */
export function validateEvent(input: unknown, root = 'event'): Validation<EdgexEvent> {
  try {
    const shape = eventShape.validate(input);
    if (!shape.ok) return { ok: false, errors: prefixed(shape.errors, root) };
    const errors = eventRules(shape.value, root);
    return errors.length ? { ok: false, errors } : shape;
  } catch (err) {
    return { ok: false, errors: [`${root || 'event'} could not be read: ${(err as Error).message}`] };
  }
}

/** Validates an EdgeX v3 AddEventRequest; never throws. */
export function validateAddEventRequest(input: unknown): Validation<AddEventRequest> {
  try {
    const shape = requestShape.validate(input);
    if (!shape.ok) return shape;
    const errors = eventRules(shape.value.event, 'event');
    return errors.length ? { ok: false, errors } : shape;
  } catch (err) {
    return { ok: false, errors: [`request could not be read: ${(err as Error).message}`] };
  }
}
