import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AddEventRequestSchema, HttpError, msToOrigin } from '@hvac-edge/shared';
import { Type } from '@sinclair/typebox';
import type { DeleteCriteria, EventQuery, StoredEvent } from '../../store/event-store.js';
import { EDGEX_EVENT_BODY } from '../body-parsers.js';
import { envelope } from '../envelope.js';
import { perDeviceRateLimit } from '../rate-limit.js';
import type { RouteDeps } from '../types.js';
import {
  checkRange,
  documentedBody,
  Int64Param,
  int64,
  NameParams,
  PagingQuery,
  paging,
  writeRoute,
} from './common.js';

const EventPath = Type.Object({
  serviceName: Type.String({ minLength: 1 }),
  profileName: Type.String({ minLength: 1 }),
  deviceName: Type.String({ minLength: 1 }),
  sourceName: Type.String({ minLength: 1 }),
});

const events = (list: StoredEvent[]) => list.map((s) => s.event);
const tags = ['core-data'];

/** EdgeX v3 core-data: events and readings. */
export const coreDataRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  const { store, ingest, config } = deps;

  /** EdgeX MultiEventsResponse for a query, with paging and the 416 rule. */
  const listResponse = async (q: { offset: number; limit: number }, filter: Omit<EventQuery, 'offset' | 'limit'>) => {
    const page = paging(q, config);
    const result = await store.listEvents({ ...page, ...filter });
    checkRange(page.offset, result.totalCount);
    return envelope(200, { totalCount: result.totalCount, events: events(result.events) });
  };

  app.post(
    '/api/v3/event/:serviceName/:profileName/:deviceName/:sourceName',
    {
      schema: {
        tags,
        summary: 'Add an event (JSON or CBOR); 201 once durable, 409 for a known id',
        params: EventPath,
        body: documentedBody(AddEventRequestSchema),
        ...writeRoute,
      },
      config: {
        ...EDGEX_EVENT_BODY,
        rateLimit: perDeviceRateLimit(config, deps.metrics, 'http-v3', (req) =>
          String((req.params as { deviceName?: unknown }).deviceName),
        ),
      },
    },
    async (request, reply) => {
      const req = ingest.validate(request.body, 'http-v3', request.params, 'path');
      await ingest.accept(req.event, 'http-v3');
      return reply.code(201).send(envelope(201, { id: req.event.id }, req.requestId || undefined));
    },
  );

  app.get('/api/v3/event/all', { schema: { tags, querystring: PagingQuery } }, async (request) =>
    listResponse(request.query, {}),
  );

  app.get(
    '/api/v3/event/id/:id',
    { schema: { tags, params: Type.Object({ id: Type.String({ format: 'uuid' }) }) } },
    async (request) => {
      const found = await store.getById(request.params.id);
      if (!found) throw new HttpError(404, `event ${request.params.id} not found`);
      return envelope(200, { event: found.event });
    },
  );

  app.get('/api/v3/event/count', { schema: { tags } }, async () => envelope(200, { count: await store.countEvents() }));

  app.get('/api/v3/event/count/device/name/:name', { schema: { tags, params: NameParams } }, async (request) =>
    envelope(200, { count: await store.countEvents(request.params.name) }),
  );

  app.get(
    '/api/v3/event/device/name/:name',
    { schema: { tags, params: NameParams, querystring: PagingQuery } },
    async (request) => listResponse(request.query, { deviceName: request.params.name }),
  );

  app.get(
    '/api/v3/event/start/:start/end/:end',
    {
      schema: {
        tags,
        summary: 'Events whose origin (Unix ns) is within [start, end]',
        params: Type.Object({ start: Int64Param, end: Int64Param }),
        querystring: PagingQuery,
      },
    },
    async (request) => {
      const start = int64(request.params.start, 'start');
      const end = int64(request.params.end, 'end');
      if (end < start) throw new HttpError(400, `end ${end} is before start ${start}`);
      return listResponse(request.query, { start, end });
    },
  );

  const includePending = Type.Object({
    includePending: Type.Boolean({
      default: false,
      description: 'also delete events not forwarded yet (by default only forwarded ones go)',
    }),
  });
  /** Deletes what matches (forwarded only unless asked), counts and logs it: an operator's action, never silent. */
  const remove = async (criteria: DeleteCriteria, pendingToo: boolean, reason: 'api_age' | 'api_id' | 'api_device') => {
    const removed = await store.deleteEvents(criteria, pendingToo);
    deps.metrics.dropped.inc({ reason }, removed);
    deps.log.warn({ ...criteria, includePending: pendingToo, removed }, 'events deleted on request');
    return removed;
  };

  app.delete(
    '/api/v3/event/id/:id',
    {
      schema: {
        tags,
        summary: 'Delete one event; a pending (not yet forwarded) one only with includePending=true (else 409)',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        querystring: includePending,
        ...writeRoute,
      },
    },
    async (request) => {
      const { id } = request.params;
      const found = await store.getById(id);
      if (!found) throw new HttpError(404, `event ${id} not found`);
      if (found.state === 'pending' && !request.query.includePending) {
        throw new HttpError(409, `event ${id} has not been forwarded yet; add includePending=true to delete it anyway`);
      }
      await remove({ id }, request.query.includePending, 'api_id');
      return envelope(200, {});
    },
  );

  app.delete(
    '/api/v3/event/device/name/:name',
    {
      schema: {
        tags,
        summary: "Delete a device's events; forwarded ones only unless includePending=true",
        params: NameParams,
        querystring: includePending,
        ...writeRoute,
      },
    },
    async (request, reply) => {
      const removed = await remove({ deviceName: request.params.name }, request.query.includePending, 'api_device');
      return reply.code(202).send(envelope(202, {}, undefined, `${removed} events deleted`));
    },
  );

  app.delete(
    '/api/v3/event/age/:age',
    {
      schema: {
        tags,
        summary: 'Delete events whose origin is older than age ns; forwarded ones only unless includePending=true',
        params: Type.Object({ age: Int64Param }),
        querystring: includePending,
        ...writeRoute,
      },
    },
    async (request, reply) => {
      const age = int64(request.params.age, 'age');
      if (age < 0n) throw new HttpError(400, `age ${age} must not be negative`);
      const before = msToOrigin(Date.now()) - age;
      const removed = await remove({ originBefore: before }, request.query.includePending, 'api_age');
      return reply.code(202).send(envelope(202, {}, undefined, `${removed} events deleted`));
    },
  );
};
