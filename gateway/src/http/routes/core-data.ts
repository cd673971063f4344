import { AddEventRequestSchema, validateAddEventRequest } from '@hvac-edge/shared';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EventQuery, StoredEvent } from '../../store/event-store.js';
import { envelope } from '../envelope.js';
import { HttpError } from '../errors.js';
import type { GatewayDeps } from '../server.js';
import { checkRange, NameParams, PagingQuery, paging, writeRoute } from './common.js';

const EventPath = Type.Object({
  serviceName: Type.String({ minLength: 1 }),
  profileName: Type.String({ minLength: 1 }),
  deviceName: Type.String({ minLength: 1 }),
  sourceName: Type.String({ minLength: 1 }),
});

const events = (list: StoredEvent[]) => list.map((s) => s.event);

/** EdgeX MultiEventsResponse for a query, with paging and the 416 rule. */
async function listResponse(deps: GatewayDeps, request: FastifyRequest, filter: Omit<EventQuery, 'offset' | 'limit'>) {
  const page = paging(request, deps.config);
  const result = await deps.store.listEvents({ ...page, ...filter });
  checkRange(page.offset, result.totalCount);
  return envelope(200, { totalCount: result.totalCount, events: events(result.events) });
}
const tags = ['core-data'];

/** EdgeX v3 core-data: events and readings. */
export async function coreDataRoutes(app: FastifyInstance, deps: GatewayDeps): Promise<void> {
  const { store, ingest, config } = deps;

  app.post(
    '/api/v3/event/:serviceName/:profileName/:deviceName/:sourceName',
    {
      schema: {
        tags,
        summary: 'Add an event (JSON or CBOR); 201 once durable, 409 for a known id',
        params: EventPath,
        body: AddEventRequestSchema,
        ...writeRoute,
      },
      config: {
        rateLimit: config.rateLimit.perDevicePerMinute > 0 && {
          max: config.rateLimit.perDevicePerMinute,
          timeWindow: 60_000,
          hook: 'preHandler',
          keyGenerator: (req: FastifyRequest) => `v3:${(req.params as { deviceName: string }).deviceName}`,
          onExceeded: () => deps.metrics.ingest.inc({ transport: 'http-v3', outcome: 'rate_limited' }),
        },
      },
    },
    async (request, reply) => {
      const validation = validateAddEventRequest(request.body);
      if (!validation.ok) throw ingest.invalid('http-v3', validation.errors);
      const mismatch = ingest.checkPath(validation.value, request.params as typeof EventPath.static);
      if (mismatch.length) throw ingest.invalid('http-v3', mismatch);
      const req = validation.value;
      await ingest.accept(req.event, 'http-v3');
      return reply.code(201).send(envelope(201, { id: req.event.id }, req.requestId || undefined));
    },
  );

  app.get('/api/v3/event/all', { schema: { tags, querystring: PagingQuery } }, async (request) =>
    listResponse(deps, request, {}),
  );

  app.get(
    '/api/v3/event/id/:id',
    { schema: { tags, params: Type.Object({ id: Type.String({ format: 'uuid' }) }) } },
    async (request) => {
      const { id } = request.params as { id: string };
      const found = await store.getById(id);
      if (!found) throw new HttpError(404, `event ${id} not found`);
      return envelope(200, { event: found.event });
    },
  );

  app.get('/api/v3/event/count', { schema: { tags } }, async () => envelope(200, { count: await store.countEvents() }));

  app.get('/api/v3/event/count/device/name/:name', { schema: { tags, params: NameParams } }, async (request) => {
    const { name } = request.params as { name: string };
    return envelope(200, { count: await store.countEvents(name) });
  });

  app.get(
    '/api/v3/event/device/name/:name',
    { schema: { tags, params: NameParams, querystring: PagingQuery } },
    async (request) => listResponse(deps, request, { deviceName: (request.params as { name: string }).name }),
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
      const { start, end } = request.params as { start: number; end: number };
      if (end < start) throw new HttpError(400, `end ${end} is before start ${start}`);
      return listResponse(deps, request, { start, end });
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
      const { age } = request.params as { age: number };
      const { includePending } = request.query as { includePending: boolean };
      const removed = await store.deleteByOrigin(Date.now() * 1_000_000 - age, includePending);
      deps.metrics.dropped.inc({ reason: 'api_age' }, removed);
      deps.log.warn({ age, includePending, removed }, 'events deleted by age on request');
      return reply.code(202).send(envelope(202, {}, undefined, `${removed} events deleted`));
    },
  );

  const readingsRoute = (url: string, filter: (name: string) => { deviceName?: string; resourceName?: string }) =>
    app.get(
      url,
      { schema: { tags, querystring: PagingQuery, ...(url.includes(':name') ? { params: NameParams } : {}) } },
      async (request) => {
        const page = paging(request, config);
        const name = (request.params as { name?: string }).name ?? '';
        const result = await store.listReadings({ ...page, ...filter(name) });
        checkRange(page.offset, result.totalCount);
        return envelope(200, { totalCount: result.totalCount, readings: result.readings });
      },
    );
  readingsRoute('/api/v3/reading/all', () => ({}));
  readingsRoute('/api/v3/reading/device/name/:name', (deviceName) => ({ deviceName }));
  readingsRoute('/api/v3/reading/resourceName/:name', (resourceName) => ({ resourceName }));
}
