import { HttpError } from '@hvac-edge/shared';
import { type TSchema, Type } from '@sinclair/typebox';
import type { GatewayConfig } from '../../config.js';
import type { Paging } from '../envelope.js';

export const PagingQuery = Type.Object({
  // Bounded: a store cannot skip past 2^31 items anyway, and a larger number would not even bind as an integer.
  offset: Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0, description: 'items to skip' }),
  limit: Type.Integer({ minimum: -1, default: 20, description: 'items to return; -1 = up to the maximum' }),
});

export const NameParams = Type.Object({ name: Type.String({ minLength: 1 }) });

/** Marks a body schema the handler checks itself (with the shared contract validators); Fastify skips it. */
export const VALIDATED_IN_HANDLER = 'x-validated-in-handler';

/**
 * A body schema for the OpenAPI document only: the handler validates the body with the shared contract validator
 * (the same messages over HTTP, v1 and MQTT, and per item where EdgeX answers 207), so its type is `unknown` here.
 */
export function documentedBody(schema: TSchema) {
  return Type.Unsafe<unknown>({ ...schema, [VALIDATED_IN_HANDLER]: true });
}

/** EdgeX paging: limit -1 means "as many as allowed"; a larger limit than allowed is a client error. */
export function paging(q: { offset: number; limit: number }, config: Readonly<GatewayConfig>): Paging {
  const max = config.http.maxResultCount;
  if (q.limit > max) throw new HttpError(400, `limit ${q.limit} exceeds the maximum result count ${max}`);
  return { offset: q.offset, limit: q.limit === -1 ? max : q.limit };
}

/** EdgeX answers 416 when the offset is past the end of a non-empty result. */
export function checkRange(offset: number, totalCount: number): void {
  if (offset > 0 && offset >= totalCount) {
    throw new HttpError(416, `offset ${offset} is beyond the ${totalCount} available items`);
  }
}

export const writeRoute = { security: [{ bearer: [] }] };

/** A path parameter that is an int64 (an origin in Unix ns, an age): kept exact as a string until parsed. */
export const Int64Param = Type.String({ pattern: '^-?[0-9]{1,19}$', description: 'int64' });

/** An int64 parameter as a bigint; 400 when it is outside the int64 range. */
export function int64(raw: string, name: string): bigint {
  const v = BigInt(raw);
  if (v > 9_223_372_036_854_775_807n || v < -9_223_372_036_854_775_808n)
    throw new HttpError(400, `${name} ${raw} is outside the int64 range`);
  return v;
}
