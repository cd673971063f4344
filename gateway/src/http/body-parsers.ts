import { HttpError, recoverOrigins, ValidationError } from '@hvac-edge/shared';
import { decode as decodeCbor } from 'cborg';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import sjson from 'secure-json-parse';

/**
 * A CBOR AddEventRequest in the shape the JSON one has: byte strings (binaryValue) as base64, integers as numbers,
 * except the origins of the event and its readings, which stay exact bigints.
 */
function cborToJsonShape(value: unknown, originPath = false, depth = 0): unknown {
  // The configured depth limit is checked on the result; this bound only keeps the recursion off the stack's end.
  if (depth > MAX_PARSE_DEPTH) throw new Error(`nested deeper than ${MAX_PARSE_DEPTH} levels`);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'bigint') return originPath ? value : Number(value);
  if (Array.isArray(value)) return value.map((v) => cborToJsonShape(v, false, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, cborToJsonShape(v, k === 'origin', depth + 1)]),
    );
  }
  return value;
}

/** Above limits.maxDepth's own maximum (256). */
const MAX_PARSE_DEPTH = 300;

/** Routes whose body is an EdgeX event (AddEventRequest) say so, and get its origins exact. */
export const EDGEX_EVENT_BODY = { edgexEventBody: true };

function parseJson(req: FastifyRequest, text: string): unknown {
  if (text.trim() === '') throw new ValidationError('BODY_EMPTY', ['the body is empty; expected JSON']);
  try {
    // secure-json-parse: a body with __proto__ or constructor.prototype keys is refused (prototype poisoning).
    const value: unknown = sjson.parse(text, { protoAction: 'error', constructorAction: 'error' });
    const config = req.routeOptions.config as { edgexEventBody?: boolean } | undefined;
    return config?.edgexEventBody ? recoverOrigins(text, value) : value;
  } catch (err) {
    throw new ValidationError('JSON_INVALID', [`body is not valid JSON: ${(err as Error).message}`]);
  }
}

/**
 * Request bodies: JSON (EdgeX origins kept exact), CBOR (as go-mod-core-contracts sends events with binary readings;
 * no CBOR tags accepted, so nothing expands on decode), and JSON without a Content-Type, as EdgeX reads it. Any other
 * type is 415.
 */
export function installBodyParsers(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    try {
      done(null, parseJson(req, body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  app.addContentTypeParser('application/cbor', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, cborToJsonShape(decodeCbor(body as Buffer, { rejectDuplicateMapKeys: true })));
    } catch (err) {
      done(new ValidationError('CBOR_INVALID', [`body is not valid CBOR: ${(err as Error).message}`]), undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    const type = req.headers['content-type'];
    if (type) {
      done(new HttpError(415, `content type ${type} is not supported; send application/json or application/cbor`));
      return;
    }
    try {
      done(null, parseJson(req, body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
