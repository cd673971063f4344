import { HttpError, LogSampler, PoisonError, UnavailableError, ValidationError } from '@hvac-edge/shared';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DuplicateEventError } from '../store/event-store.js';
import { envelope } from './envelope.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function statusOf(err: unknown): number {
  if (err instanceof HttpError) return err.statusCode;
  if (err instanceof ValidationError) return 400;
  // Valid, but the store cannot hold it (a limit of its own): the request as sent can never succeed.
  if (err instanceof PoisonError) return 422;
  if (err instanceof DuplicateEventError) return 409;
  if (err instanceof UnavailableError) return 503;
  const fe = err as FastifyError;
  if (fe.validation) return 400;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 600) return fe.statusCode;
  return 500;
}

/**
 * Every error leaves as an EdgeX BaseResponse (or plain text on v1 routes, as EdgeX v1 answered), with a message
 * that says what is wrong; 5xx internals are logged, not echoed.
 */
export function installErrorHandling(app: FastifyInstance): void {
  // Per reason, at most ten lines a minute: a client hammering a full buffer or a broken route must not fill the
  // disk (an SD card, often). The metrics count every request.
  const samplers = new Map<string, LogSampler>();
  const sampled = (reason: string) => {
    let s = samplers.get(reason);
    if (!s) {
      s = new LogSampler();
      samplers.set(reason, s);
    }
    return s.take();
  };
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const status = statusOf(err);
    let message = err instanceof Error ? err.message : String(err);
    if (status >= 500 && !(err instanceof UnavailableError)) {
      const { log, suppressed } = sampled('internal');
      if (log) request.log.error({ err, reqId: request.id, suppressed }, 'request failed');
      message = 'internal error; see the gateway log';
    } else if (err instanceof UnavailableError) {
      // Expected back-pressure (buffer full, store down): one line without a stack, naming the reason.
      const { log, suppressed } = sampled(err.code);
      if (log) request.log.warn({ code: err.code, reason: err.message, suppressed }, 'requests refused: 503');
    }
    if (err instanceof UnavailableError || status === 503 || status === 429) {
      const after = err instanceof UnavailableError ? err.retryAfterSeconds : undefined;
      if (after !== undefined) reply.header('Retry-After', String(after));
    }
    const legacy = request.url.startsWith('/api/v1/');
    if (legacy) return reply.code(status).type('text/plain; charset=utf-8').send(message);
    // The caller's requestId comes back only when it is the UUID EdgeX's contract says it is.
    const requestId = (request.body as { requestId?: unknown } | undefined)?.requestId;
    const echo = typeof requestId === 'string' && UUID_RE.test(requestId) ? requestId : undefined;
    return reply.code(status).send(envelope(status, {}, echo, message));
  });
  app.setNotFoundHandler((request, reply) => {
    const message = `no route ${request.method} ${request.url.split('?')[0]}`;
    if (request.url.startsWith('/api/v1/')) return reply.code(404).type('text/plain; charset=utf-8').send(message);
    return reply.code(404).send(envelope(404, {}, undefined, message));
  });
}
