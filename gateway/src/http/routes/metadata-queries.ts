import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError } from '@hvac-edge/shared';
import { Type } from '@sinclair/typebox';
import type { FieldFilter, MetadataKind } from '../../metadata/metadata-store.js';
import { envelope } from '../envelope.js';
import type { RouteDeps } from '../types.js';
import { checkRange, NameParams, PagingQuery, paging } from './common.js';

const tags = ['core-metadata'];

/**
 * The core-metadata lookups a device service makes (device-sdk-go v3 at start-up: its devices, their profiles, its
 * provision watchers) and the ones edgex-ui uses: devices by service or profile, profiles by manufacturer and model,
 * one resource of a profile, a device name check, the units of measure.
 */
export const metadataQueryRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  const { metadata, config } = deps;
  const listBy =
    (kind: MetadataKind, many: string, where: (p: Record<string, string>) => FieldFilter[]) =>
    async (req: { params: unknown; query: { offset: number; limit: number } }) => {
      const page = paging(req.query, config);
      const { totalCount, items } = await metadata.list(kind, page.offset, page.limit, where(req.params as never));
      checkRange(page.offset, totalCount);
      return envelope(200, { totalCount, [many]: items.map((i) => i.body) });
    };
  const querystring = PagingQuery;
  const params = NameParams;

  app.get(
    '/api/v3/device/service/name/:name',
    { schema: { tags, params, querystring } },
    listBy('device', 'devices', (p) => [{ field: 'serviceName', value: p.name as string }]),
  );
  app.get(
    '/api/v3/device/profile/name/:name',
    { schema: { tags, params, querystring } },
    listBy('device', 'devices', (p) => [{ field: 'profileName', value: p.name as string }]),
  );
  app.get(
    '/api/v3/provisionwatcher/service/name/:name',
    { schema: { tags, params, querystring } },
    listBy('provisionwatcher', 'provisionWatchers', (p) => [{ field: 'serviceName', value: p.name as string }]),
  );
  app.get(
    '/api/v3/provisionwatcher/profile/name/:name',
    { schema: { tags, params, querystring } },
    listBy('provisionwatcher', 'provisionWatchers', (p) => [
      { field: 'discoveredDevice.profileName', value: p.name as string },
    ]),
  );
  const Manufacturer = { manufacturer: Type.String({ minLength: 1 }) };
  const Model = { model: Type.String({ minLength: 1 }) };
  app.get(
    '/api/v3/deviceprofile/manufacturer/:manufacturer',
    { schema: { tags, params: Type.Object(Manufacturer), querystring } },
    listBy('deviceprofile', 'profiles', (p) => [{ field: 'manufacturer', value: p.manufacturer as string }]),
  );
  app.get(
    '/api/v3/deviceprofile/model/:model',
    { schema: { tags, params: Type.Object(Model), querystring } },
    listBy('deviceprofile', 'profiles', (p) => [{ field: 'model', value: p.model as string }]),
  );
  app.get(
    '/api/v3/deviceprofile/manufacturer/:manufacturer/model/:model',
    { schema: { tags, params: Type.Object({ ...Manufacturer, ...Model }), querystring } },
    listBy('deviceprofile', 'profiles', (p) => [
      { field: 'manufacturer', value: p.manufacturer as string },
      { field: 'model', value: p.model as string },
    ]),
  );

  app.get(
    '/api/v3/deviceresource/profile/:profileName/resource/:resourceName',
    {
      schema: {
        tags,
        params: Type.Object({
          profileName: Type.String({ minLength: 1 }),
          resourceName: Type.String({ minLength: 1 }),
        }),
      },
    },
    async (req) => {
      const { profileName, resourceName } = req.params;
      const profile = await metadata.get('deviceprofile', profileName);
      if (!profile) throw new HttpError(404, `device profile ${profileName} not found`);
      const resources = (profile.body.deviceResources ?? []) as Array<{ name: string }>;
      const resource = resources.find((r) => r.name === resourceName);
      if (!resource) throw new HttpError(404, `device resource ${resourceName} not found in profile ${profileName}`);
      return envelope(200, { resource });
    },
  );

  app.get('/api/v3/device/check/name/:name', { schema: { tags, params } }, async (req) => {
    if (!(await metadata.get('device', req.params.name)))
      throw new HttpError(404, `device ${req.params.name} not found`);
    return envelope(200, {});
  });

  // Decision: no units-of-measure catalogue is configured or enforced (EdgeX's is off by default too): an empty one.
  app.get('/api/v3/uom', { schema: { tags, summary: 'Units of measure (none configured)' } }, async () =>
    envelope(200, { uom: { source: 'hvac-edge (none configured)', units: {} } }),
  );
};
