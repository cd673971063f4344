import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HttpError } from '@hvac-edge/shared';
import { Type } from '@sinclair/typebox';
import { access } from '../auth.js';
import { envelope } from '../envelope.js';
import type { RouteDeps } from '../types.js';
import { writeRoute } from './common.js';

const tags = ['core-command'];
export const COMMANDS = ['setpoint'] as const;

function parseExpiry(raw: number | string | undefined, now: number, ttlSeconds: number): number {
  if (raw === undefined) return now + ttlSeconds * 1000;
  const ms = typeof raw === 'number' ? raw : /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms)) throw new HttpError(400, 'expiresAt must be Unix ms or an ISO 8601 time');
  if (ms <= now) throw new HttpError(400, 'expiresAt is in the past');
  return ms;
}

/**
 * EdgeX core-command style downlink: `PUT /api/v3/device/name/{name}/{command}` queues a set-point for a registered
 * device; the device's agent long-polls `GET /api/v3/device/name/{name}/commands`.
 */
export const commandRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  const queue = deps.commands;
  const { defaultTtlSeconds, maxWaitSeconds } = deps.config.commands;

  app.put(
    '/api/v3/device/name/:name/:command',
    {
      schema: {
        tags,
        summary: 'Send a set-point to a device: {"setpoint": 24.5, "expiresAt"?, "idempotencyKey"?}',
        params: Type.Object({ name: Type.String({ minLength: 1 }), command: Type.String({ minLength: 1 }) }),
        body: Type.Object({
          setpoint: Type.Union([Type.Number(), Type.String()], { description: 'target temperature, °C' }),
          expiresAt: Type.Optional(Type.Union([Type.Number(), Type.String()])),
          idempotencyKey: Type.Optional(Type.String({ minLength: 1 })),
        }),
        ...writeRoute,
      },
      config: access('admin'),
    },
    async (request, reply) => {
      const { name, command } = request.params;
      if (!(COMMANDS as readonly string[]).includes(command)) {
        throw new HttpError(404, `unknown command ${command}; valid: ${COMMANDS.join(', ')}`);
      }
      if (!(await deps.metadata.get('device', name))) throw new HttpError(404, `device ${name} is not registered`);
      const body = request.body;
      // EdgeX core-command sends resource values as strings; numbers are accepted too.
      const value = typeof body.setpoint === 'string' ? Number(body.setpoint) : body.setpoint;
      if (!Number.isFinite(value)) throw new HttpError(400, 'setpoint must be a number');
      const now = Date.now();
      const result = await queue.enqueue(
        {
          id: body.idempotencyKey ?? randomUUID(),
          device: name,
          command: 'setpoint',
          value,
          source: 'api',
          createdAt: now,
          expiresAt: parseExpiry(body.expiresAt, now, defaultTtlSeconds),
        },
        'reject',
      );
      switch (result.outcome) {
        case 'out_of_range':
          throw new HttpError(
            400,
            `setpoint ${value} is outside [${result.range[0]}, ${result.range[1]}] °C (commands.minSetpointC, commands.maxSetpointC)`,
          );
        case 'rate_limited':
          reply.header('retry-after', Math.ceil(result.retryAfterMs / 1000));
          throw new HttpError(
            429,
            `device ${name} already had ${deps.config.commands.maxPerDevicePerMinute} commands this minute (commands.maxPerDevicePerMinute)`,
          );
        case 'expired':
          throw new HttpError(400, 'expiresAt is in the past');
        default: {
          const { id, seq } = result.command;
          return envelope(200, { id, seq }, undefined, result.outcome === 'duplicate' ? 'already queued' : 'queued');
        }
      }
    },
  );

  app.get(
    '/api/v3/device/name/:name/commands',
    {
      schema: {
        tags,
        summary: 'Long poll: unexpired commands after `after`, waiting up to waitSeconds for one',
        params: Type.Object({ name: Type.String({ minLength: 1 }) }),
        querystring: Type.Object({
          after: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 }),
          waitSeconds: Type.Integer({ minimum: 0, maximum: 3600, default: 0 }),
        }),
      },
    },
    async (request, reply) => {
      const wait = Math.min(request.query.waitSeconds, maxWaitSeconds) * 1000;
      const ac = new AbortController();
      // The response's close (not the request's, which fires once its body is read) means the poller went away.
      reply.raw.once('close', () => ac.abort());
      const commands = await queue.wait(request.params.name, request.query.after, wait, ac.signal);
      return envelope(200, { commands });
    },
  );

  app.get(
    '/api/v3/command/recent',
    {
      schema: {
        tags,
        summary: 'The newest set-point commands of every device, newest first, with who issued them and delivery',
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }),
      },
    },
    async (request) => envelope(200, { commands: queue.recent(request.query.limit) }),
  );
};
