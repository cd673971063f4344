import { PassThrough, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { HttpError } from '@hvac-edge/shared';
import type { FastifyRequest } from 'fastify';

/**
 * preParsing for bodies Telegraf may compress (`content_encoding = "gzip"`): gzip is inflated as it arrives, so the
 * route's body limit counts decompressed bytes (a small bomb is a 413, not a full memory); identity passes; any other
 * encoding is a 415 naming it; a body that is not gzip is a 400 saying so.
 */
export async function decodeRequestBody(request: FastifyRequest, _reply: unknown, payload: Readable) {
  const encoding = String(request.headers['content-encoding'] ?? 'identity')
    .toLowerCase()
    .trim();
  if (encoding === 'identity' || encoding === '') return payload;
  if (encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw new HttpError(415, `Content-Encoding ${encoding} is not supported here; send gzip or identity`);
  }
  const out = new PassThrough() as PassThrough & { receivedEncodedLength: number };
  out.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => {
    out.receivedEncodedLength += chunk.length;
  });
  const gunzip = createGunzip();
  // .pipe() forwards no errors: each is turned into the one the client gets.
  payload.on('error', (err) => out.destroy(err));
  gunzip.on('error', (err) => {
    const message = `body is not valid gzip (Content-Encoding: gzip): ${err.message}`;
    out.destroy(Object.assign(new Error(message), { statusCode: 400 }));
  });
  payload.pipe(gunzip).pipe(out);
  return out;
}
