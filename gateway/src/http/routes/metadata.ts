import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError } from '@hvac-edge/shared';
import { Type } from '@sinclair/typebox';
import { type MetadataDto, validateDto } from '../../metadata/dto-rules.js';
import type { MetadataKind } from '../../metadata/metadata-store.js';
import { envelope } from '../envelope.js';
import type { RouteDeps } from '../types.js';
import { checkRange, documentedBody, NameParams, PagingQuery, paging, writeRoute } from './common.js';
import { findReferences, missingReferences } from './metadata-references.js';

interface Resource {
  kind: MetadataKind & MetadataDto;
  path: string;
  /** Key of the item in Add/Update requests and single-item responses. */
  one: string;
  /** Key of the list in multi-item responses. */
  many: string;
  /** How updates come: PATCH with some fields (services, devices, watchers) or PUT of the whole item (profiles). */
  update: 'PATCH' | 'PUT';
}

export const RESOURCES: Resource[] = [
  { kind: 'deviceservice', path: 'deviceservice', one: 'service', many: 'services', update: 'PATCH' },
  { kind: 'deviceprofile', path: 'deviceprofile', one: 'profile', many: 'profiles', update: 'PUT' },
  { kind: 'device', path: 'device', one: 'device', many: 'devices', update: 'PATCH' },
  {
    kind: 'provisionwatcher',
    path: 'provisionwatcher',
    one: 'provisionWatcher',
    many: 'provisionWatchers',
    update: 'PATCH',
  },
];

const isUuid = (s: unknown) =>
  typeof s === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
const tags = ['core-metadata'];

/**
 * EdgeX v3 core-metadata for device services, profiles, devices and provision watchers, as go-mod-core-contracts
 * validates them and edgex-go answers: add and update take arrays and answer 207 with one result per item (201 with
 * the id / 200; 400 invalid; 404 unknown item or reference; 409 name taken); delete is 409 while devices or provision
 * watchers still use a service or profile.
 */
export const metadataRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  const { metadata, config } = deps;
  for (const r of RESOURCES) {
    /** Runs `each` over the items of an Add/Update request; a bad item answers for itself, the rest go on. */
    const perItem = async (
      body: unknown,
      mode: 'add' | 'update',
      each: (item: Record<string, unknown>, requestId: string | undefined) => Promise<object>,
    ) => {
      if (!Array.isArray(body) || body.length === 0) {
        throw new HttpError(400, `body must be a non-empty array of ${mode === 'add' ? 'Add' : 'Update'} requests`);
      }
      const results = [];
      for (const [i, raw] of body.entries()) {
        const req = (raw ?? {}) as Record<string, unknown>;
        const requestId = isUuid(req.requestId) ? (req.requestId as string) : undefined;
        const dto = validateDto(r.kind, mode, req[r.one], `[${i}].${r.one}`);
        const problems = [
          ...(typeof req.apiVersion === 'string' && req.apiVersion ? [] : [`[${i}].apiVersion is required`]),
          ...(req.requestId === undefined || req.requestId === '' || requestId
            ? []
            : [`[${i}].requestId must be a UUID`]),
          ...dto.problems,
        ];
        if (problems.length) results.push(envelope(400, {}, requestId, problems.join('; ')));
        else results.push(await each(dto.item, requestId));
      }
      return results;
    };
    const docBody = documentedBody(Type.Array(Type.Object({ apiVersion: Type.String() }), { minItems: 1 }));

    app.post(`/api/v3/${r.path}`, { schema: { tags, body: docBody, ...writeRoute } }, async (req, reply) => {
      const results = await perItem(req.body, 'add', async (item, requestId) => {
        const name = item.name as string;
        const missing = await missingReferences(metadata, r.kind, item);
        if (missing.length) return envelope(404, {}, requestId, missing.join('; '));
        const added = await metadata.add(r.kind, name, item);
        return added.created
          ? envelope(201, { id: added.item.id }, requestId)
          : envelope(409, {}, requestId, `${r.one} ${name} already exists`);
      });
      return reply.code(207).send(results);
    });

    const update = r.update === 'PATCH' ? app.patch.bind(app) : app.put.bind(app);
    update(`/api/v3/${r.path}`, { schema: { tags, body: docBody, ...writeRoute } }, async (req, reply) => {
      const results = await perItem(req.body, r.update === 'PATCH' ? 'update' : 'add', async (item, requestId) => {
        const existing =
          typeof item.name === 'string'
            ? await metadata.get(r.kind, item.name)
            : await metadata.getById(r.kind, String(item.id));
        if (!existing) return envelope(404, {}, requestId, `${r.one} ${String(item.name ?? item.id)} not found`);
        if (item.id && item.name !== undefined && item.id !== existing.id)
          return envelope(
            400,
            {},
            requestId,
            `${r.one} id ${String(item.id)} does not match the name ${existing.name}`,
          );
        const merged = r.update === 'PATCH' ? { ...existing.body, ...item, name: existing.name } : { ...item };
        const missing = await missingReferences(metadata, r.kind, merged);
        if (missing.length) return envelope(404, {}, requestId, missing.join('; '));
        await metadata.replace(r.kind, existing.name, merged);
        return envelope(200, {}, requestId);
      });
      return reply.code(207).send(results);
    });

    app.get(`/api/v3/${r.path}/all`, { schema: { tags, querystring: PagingQuery } }, async (req) => {
      const page = paging(req.query, config);
      const { totalCount, items } = await metadata.list(r.kind, page.offset, page.limit);
      checkRange(page.offset, totalCount);
      return envelope(200, { totalCount, [r.many]: items.map((i) => i.body) });
    });

    app.get(`/api/v3/${r.path}/name/:name`, { schema: { tags, params: NameParams } }, async (req) => {
      const item = await metadata.get(r.kind, req.params.name);
      if (!item) throw new HttpError(404, `${r.one} ${req.params.name} not found`);
      return envelope(200, { [r.one]: item.body });
    });

    app.delete(`/api/v3/${r.path}/name/:name`, { schema: { tags, params: NameParams, ...writeRoute } }, async (req) => {
      const { name } = req.params;
      if (!(await metadata.get(r.kind, name))) throw new HttpError(404, `${r.one} ${name} not found`);
      const users = await findReferences(metadata, r.kind, name);
      if (users.length) throw new HttpError(409, `${r.one} ${name} is still in use by ${users.join(', ')}`);
      await metadata.delete(r.kind, name);
      return envelope(200, {});
    });
  }
};
