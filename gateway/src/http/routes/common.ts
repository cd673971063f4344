import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../../config.js';
import type { Paging } from '../envelope.js';
import { HttpError } from '../errors.js';

export const PagingQuery = Type.Object({
  offset: Type.Integer({ minimum: 0, default: 0, description: 'items to skip' }),
  limit: Type.Integer({ minimum: -1, default: 20, description: 'items to return; -1 = up to the maximum' }),
});

export const NameParams = Type.Object({ name: Type.String({ minLength: 1 }) });

/** EdgeX paging: limit -1 means "as many as allowed"; a larger limit than allowed is a client error. */
export function paging(request: FastifyRequest, config: Readonly<GatewayConfig>): Paging {
  const q = request.query as { offset: number; limit: number };
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
