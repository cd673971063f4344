import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError, SchemaValidator } from '@hvac-edge/shared';
import { type TSchema, Type } from '@sinclair/typebox';
import type { MetadataKind } from '../../metadata/metadata-store.js';
import { envelope } from '../envelope.js';
import type { RouteDeps } from '../types.js';
import { checkRange, documentedBody, NameParams, PagingQuery, paging, writeRoute } from './common.js';

const Named = { name: Type.String({ minLength: 1, pattern: '\\S' }) };

interface Resource {
  kind: MetadataKind;
  path: string;
  /** Key of the item in Add...Request and in the single-item response. */
  one: string;
  /** Key of the list in the multi-item response. */
  many: string;
  item: TSchema;
}

const RESOURCES: Resource[] = [
  {
    kind: 'deviceservice',
    path: 'deviceservice',
    one: 'service',
    many: 'services',
    item: Type.Object({
      ...Named,
      baseAddress: Type.Optional(Type.String()),
      adminState: Type.Optional(Type.String()),
    }),
  },
  {
    kind: 'deviceprofile',
    path: 'deviceprofile',
    one: 'profile',
    many: 'profiles',
    item: Type.Object({ ...Named, deviceResources: Type.Optional(Type.Array(Type.Object(Named))) }),
  },
  {
    kind: 'device',
    path: 'device',
    one: 'device',
    many: 'devices',
    item: Type.Object({
      ...Named,
      serviceName: Type.String({ minLength: 1 }),
      profileName: Type.String({ minLength: 1 }),
      adminState: Type.Optional(Type.String()),
      operatingState: Type.Optional(Type.String()),
    }),
  },
];

/**
 * The part of EdgeX v3 core-metadata a device needs to register itself: add (207 multi-status, 409 per item
 * when the name exists, so registration is idempotent), get by name, list, delete.
 */
export const metadataRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  const { metadata, config } = deps;
  for (const r of RESOURCES) {
    const tags = ['core-metadata'];
    const request = new SchemaValidator<{ requestId?: string } & Record<string, Record<string, unknown>>>(
      Type.Object({
        apiVersion: Type.String({ minLength: 1 }),
        requestId: Type.Optional(Type.String()),
        [r.one]: r.item,
      }),
    );
    const body = documentedBody(
      Type.Array(Type.Object({ apiVersion: Type.String(), [r.one]: r.item }), { minItems: 1 }),
    );

    app.post(`/api/v3/${r.path}`, { schema: { tags, body, ...writeRoute } }, async (req, reply) => {
      if (!Array.isArray(req.body) || req.body.length === 0) {
        throw new HttpError(400, `body must be a non-empty array of Add${r.one} requests`);
      }
      const results = [];
      for (const [i, raw] of req.body.entries()) {
        const v = request.validate(raw);
        if (!v.ok) {
          results.push(envelope(400, {}, undefined, v.errors.map((e) => `[${i}].${e}`).join('; ')));
          continue;
        }
        const item = v.value[r.one] as Record<string, unknown> & { name: string };
        const requestId = v.value.requestId || undefined;
        const missing = r.kind === 'device' ? await missingReferences(deps, item) : [];
        if (missing.length) {
          results.push(envelope(404, {}, requestId, missing.join('; ')));
          continue;
        }
        const added = await metadata.add(r.kind, item.name, item);
        results.push(
          added.created
            ? envelope(201, { id: added.item.id }, requestId)
            : envelope(409, {}, requestId, `${r.one} ${item.name} already exists`),
        );
      }
      return reply.code(207).send(results);
    });

    app.get(`/api/v3/${r.path}/all`, { schema: { tags, querystring: PagingQuery } }, async (req) => {
      const page = paging(req.query, config);
      const { totalCount, items } = await metadata.list(r.kind, page.offset, page.limit);
      checkRange(page.offset, totalCount);
      return envelope(200, { totalCount, [r.many]: items.map((i) => i.body) });
    });

    app.get(`/api/v3/${r.path}/name/:name`, { schema: { tags, params: NameParams } }, async (req) => {
      const { name } = req.params;
      const item = await metadata.get(r.kind, name);
      if (!item) throw new HttpError(404, `${r.one} ${name} not found`);
      return envelope(200, { [r.one]: item.body });
    });

    app.delete(`/api/v3/${r.path}/name/:name`, { schema: { tags, params: NameParams, ...writeRoute } }, async (req) => {
      const { name } = req.params;
      if (!(await metadata.delete(r.kind, name))) throw new HttpError(404, `${r.one} ${name} not found`);
      return envelope(200, {});
    });
  }
};

async function missingReferences(deps: RouteDeps, device: Record<string, unknown>): Promise<string[]> {
  const missing: string[] = [];
  if (!(await deps.metadata.get('deviceservice', String(device.serviceName))))
    missing.push(`device service ${String(device.serviceName)} not found`);
  if (!(await deps.metadata.get('deviceprofile', String(device.profileName))))
    missing.push(`device profile ${String(device.profileName)} not found`);
  return missing;
}
