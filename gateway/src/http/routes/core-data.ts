import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AddEventRequestSchema, HttpError } from '@hvac-edge/shared';
import { Type } from '@sinclair/typebox';
import type { EventQuery, StoredEvent } from '../../store/event-store.js';
import { envelope } from '../envelope.js';
import { perDeviceRateLimit } from '../rate-limit.js';
import type { RouteDeps } from '../types.js';
import { checkRange, documentedBody, NameParams, PagingQuery, paging, writeRoute } from './common.js';

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
        params: Type.Object({ start: Type.Integer({ minimum: 0 }), end: Type.Integer({ minimum: 0 }) }),
        querystring: PagingQuery,
      },
    },
    async (request) => {
      const { start, end } = request.params;
      if (end < start) throw new HttpError(400, `end ${end} is before start ${start}`);
      return listResponse(request.query, { start, end });
    },
  );

  app.delete(
    '/api/v3/event/age/:age',
    {
      schema: {
        tags,
        summary: 'Delete events whose origin is older than age ns; forwarded ones only unless includePending=true',
        params: Type.Object({ age: Type.Integer({ minimum: 0 }) }),
        querystring: Type.Object({ includePending: Type.Boolean({ default: false }) }),
        ...writeRoute,
      },
    },
    async (request, reply) => {
      const { age } = request.params;
      const { includePending } = request.query;
      const removed = await store.deleteByOrigin(Date.now() * 1_000_000 - age, includePending);
      deps.metrics.dropped.inc({ reason: 'api_age' }, removed);
      deps.log.warn({ age, includePending, removed }, 'events deleted by age on request');
      return reply.code(202).send(envelope(202, {}, undefined, `${removed} events deleted`));
    },
  );

  const readings = async (
    q: { offset: number; limit: number },
    filter: { deviceName?: string; resourceName?: string },
  ) => {
    const page = paging(q, config);
    const result = await store.listReadings({ ...page, ...filter });
    checkRange(page.offset, result.totalCount);
    return envelope(200, { totalCount: result.totalCount, readings: result.readings });
  };
  app.get('/api/v3/reading/all', { schema: { tags, querystring: PagingQuery } }, async (request) =>
    readings(request.query, {}),
  );
  app.get(
    '/api/v3/reading/device/name/:name',
    { schema: { tags, params: NameParams, querystring: PagingQuery } },
    async (request) => readings(request.query, { deviceName: request.params.name }),
  );
  app.get(
    '/api/v3/reading/resourceName/:name',
    { schema: { tags, params: NameParams, querystring: PagingQuery } },
    async (request) => readings(request.query, { resourceName: request.params.name }),
  );
};
