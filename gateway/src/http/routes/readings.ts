import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError } from '@hvac-edge/shared';
import { Type } from '@sinclair/typebox';
import type { ReadingFilter } from '../../store/event-store.js';
import { envelope } from '../envelope.js';
import type { RouteDeps } from '../types.js';
import { checkRange, Int64Param, int64, PagingQuery, paging } from './common.js';

const tags = ['core-data'];
const Device = { name: Type.String({ minLength: 1, description: 'device name' }) };
const Resource = { resourceName: Type.String({ minLength: 1 }) };
const Range = { start: Int64Param, end: Int64Param };

/** The time range of a path (Unix ns, the reading's own origin); 400 when end is before start. */
function range(p: { start: string; end: string }): { start: bigint; end: bigint } {
  const start = int64(p.start, 'start');
  const end = int64(p.end, 'end');
  if (end < start) throw new HttpError(400, `end ${end} is before start ${start}`);
  return { start, end };
}

/**
 * EdgeX v3 core-data readings: every list (all, by device, by resource, by both, each with or without a time range
 * on the reading's origin) and the counts. Newest origin first.
 */
export const readingRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  const { store, config } = deps;
  const list = async (q: { offset: number; limit: number }, filter: ReadingFilter) => {
    const page = paging(q, config);
    const result = await store.listReadings({ ...page, ...filter });
    checkRange(page.offset, result.totalCount);
    return envelope(200, { totalCount: result.totalCount, readings: result.readings });
  };
  const querystring = PagingQuery;

  app.get('/api/v3/reading/all', { schema: { tags, querystring } }, async (req) => list(req.query, {}));
  app.get('/api/v3/reading/count', { schema: { tags } }, async () =>
    envelope(200, { count: await store.countReadings({}) }),
  );
  app.get('/api/v3/reading/count/device/name/:name', { schema: { tags, params: Type.Object(Device) } }, async (req) =>
    envelope(200, { count: await store.countReadings({ deviceName: req.params.name }) }),
  );
  app.get(
    '/api/v3/reading/device/name/:name',
    { schema: { tags, params: Type.Object(Device), querystring } },
    async (req) => list(req.query, { deviceName: req.params.name }),
  );
  app.get(
    '/api/v3/reading/resourceName/:resourceName',
    { schema: { tags, params: Type.Object(Resource), querystring } },
    async (req) => list(req.query, { resourceName: req.params.resourceName }),
  );
  app.get(
    '/api/v3/reading/device/name/:name/resourceName/:resourceName',
    { schema: { tags, params: Type.Object({ ...Device, ...Resource }), querystring } },
    async (req) => list(req.query, { deviceName: req.params.name, resourceName: req.params.resourceName }),
  );
  app.get(
    '/api/v3/reading/start/:start/end/:end',
    { schema: { tags, params: Type.Object(Range), querystring } },
    async (req) => list(req.query, range(req.params)),
  );
  app.get(
    '/api/v3/reading/resourceName/:resourceName/start/:start/end/:end',
    { schema: { tags, params: Type.Object({ ...Resource, ...Range }), querystring } },
    async (req) => list(req.query, { resourceName: req.params.resourceName, ...range(req.params) }),
  );
  app.get(
    '/api/v3/reading/device/name/:name/start/:start/end/:end',
    { schema: { tags, params: Type.Object({ ...Device, ...Range }), querystring } },
    async (req) => list(req.query, { deviceName: req.params.name, ...range(req.params) }),
  );
  app.get(
    '/api/v3/reading/device/name/:name/resourceName/:resourceName/start/:start/end/:end',
    { schema: { tags, params: Type.Object({ ...Device, ...Resource, ...Range }), querystring } },
    async (req) =>
      list(req.query, { deviceName: req.params.name, resourceName: req.params.resourceName, ...range(req.params) }),
  );
};
