import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { convertV1Event, HttpError, valueTypeFromV1Descriptor } from '@hvac-edge/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { eventLimits } from '../../config.js';
import type { MetadataKind } from '../../metadata/metadata-store.js';
import { access } from '../auth.js';
import { perDeviceRateLimit } from '../rate-limit.js';
import type { RouteDeps } from '../types.js';
import { NameParams, writeRoute } from './common.js';

const tags = ['edgex-v1-legacy'];

function objectBody(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'body must be a JSON object');
  return body as Record<string, unknown>;
}

function text(reply: FastifyReply, status: number, body: string) {
  return reply.code(status).type('text/plain; charset=utf-8').send(body);
}

/**
 * EdgeX v1 (Edinburgh..Hanoi) endpoints, so that the source report's Raspberry Pi client works unchanged:
 * metadata objects are stored as sent; events are converted to v3 and take the same durable path.
 */
export const legacyV1Routes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  const { metadata, ingest, config } = deps;

  const toV3 = async (body: unknown) => {
    const device = (body as { device?: unknown })?.device;
    const registered = typeof device === 'string' ? await metadata.get('v1.device', device) : undefined;
    const profileName =
      ((registered?.body.profile as { name?: unknown } | undefined)?.name as string | undefined) ??
      config.legacy.profileName;
    const descriptors = new Map<string, string | undefined>();
    const readings = (body as { readings?: unknown })?.readings;
    if (Array.isArray(readings)) {
      for (const r of readings) {
        const name = (r as { name?: unknown })?.name;
        if (typeof name === 'string' && !descriptors.has(name)) {
          descriptors.set(name, (await metadata.get('v1.valuedescriptor', name))?.body.type as string | undefined);
        }
      }
    }
    return convertV1Event(body, {
      profileName,
      limits: eventLimits(config.limits),
      valueTypeOf: (name) => valueTypeFromV1Descriptor(descriptors.get(name)),
    });
  };

  const acceptV1 = async (body: unknown, reply: FastifyReply) => {
    const converted = await toV3(body);
    if (!converted.ok) return ingest.refuse('http-v1', converted.errors);
    await ingest.accept(converted.value, 'http-v1');
    return text(reply, 200, converted.value.id);
  };

  const rateLimit = perDeviceRateLimit(config, deps.metrics, 'http-v1', (req) =>
    String((req.body as { device?: unknown } | undefined)?.device),
  );

  app.post(
    '/api/v1/event',
    { schema: { tags, summary: 'EdgeX v1 event; 200 with the new id as text', ...writeRoute }, config: { rateLimit } },
    async (request, reply) => acceptV1(objectBody(request), reply),
  );

  app.post(
    '/api/v1/reading',
    {
      schema: { tags, summary: 'EdgeX v1 single reading, stored as a one-reading event', ...writeRoute },
      config: { rateLimit },
    },
    async (request, reply) => {
      const r = objectBody(request);
      return acceptV1({ device: r.device, origin: r.origin, readings: [r] }, reply);
    },
  );

  const registry = (path: string, kind: MetadataKind) => {
    app.post(`/api/v1/${path}`, { schema: { tags, ...writeRoute } }, async (request, reply) => {
      const body = objectBody(request);
      if (typeof body.name !== 'string' || body.name.trim() === '') throw new HttpError(400, 'name is required');
      const added = await metadata.add(kind, body.name, body);
      if (!added.created) return text(reply, 409, `${path} ${body.name} already exists`);
      return text(reply, 200, added.item.id);
    });
    app.get(`/api/v1/${path}`, { schema: { tags } }, async () => {
      const { items } = await metadata.list(kind, 0, config.http.maxResultCount);
      return items.map((i) => i.body);
    });
    app.get(`/api/v1/${path}/name/:name`, { schema: { tags, params: NameParams } }, async (request) => {
      const { name } = request.params;
      const item = await metadata.get(kind, name);
      if (!item) throw new HttpError(404, `${path} ${name} not found`);
      return item.body;
    });
  };
  registry('valuedescriptor', 'v1.valuedescriptor');
  registry('addressable', 'v1.addressable');
  registry('deviceservice', 'v1.deviceservice');
  registry('deviceprofile', 'v1.deviceprofile');
  registry('device', 'v1.device');

  app.get('/api/v1/ping', { schema: { tags }, config: access('public') }, async (_request, reply) =>
    text(reply, 200, 'pong'),
  );
};
