import { execFileSync } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { stringifyEdgex } from '@hvac-edge/shared';
import { makeAddEventRequest } from '@hvac-edge/test/support';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, startTestGateway, type TestGateway } from './helpers.js';

const portOf = (gw: TestGateway) => {
  const a = gw.server.server.address();
  return typeof a === 'object' && a ? a.port : 0;
};

describe('gateway lifecycle over real sockets', () => {
  let gw: TestGateway | undefined;
  afterEach(async () => gw?.dispose());

  it('graceful shutdown finishes in-flight requests and keeps what it acknowledged', async () => {
    gw = await startTestGateway();
    await gw.start();
    const base = `http://127.0.0.1:${portOf(gw)}`;
    const reqs = Array.from({ length: 200 }, () => makeAddEventRequest());
    const inflight = reqs.map((r) =>
      fetch(`${base}/api/v3/event/svc/${r.event.profileName}/${r.event.deviceName}/${r.event.sourceName}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: stringifyEdgex(r),
      }).then(
        (res) => res.status,
        () => 0,
      ),
    );
    // Close while the requests are on the wire.
    await new Promise((r) => setImmediate(r));
    const path = `${gw.dir}/gateway.db`;
    await gw.stop();
    const statuses = await Promise.all(inflight);
    // Each request either completed durably (201), was refused during close (503), or never got in (0).
    expect(statuses.every((s) => s === 201 || s === 503 || s === 0)).toBe(true);
    const store = await openSqliteStore(path);
    try {
      for (const [i, s] of statuses.entries()) {
        if (s === 201) expect(await store.getById(reqs[i]?.event.id as string)).toBeDefined();
      }
    } finally {
      await store.close();
    }
  });

  it('serves HTTPS when a certificate and key are configured', async () => {
    const dir = (await import('node:fs/promises')).mkdtemp;
    const tmp = await dir('/tmp/hvac-tls-');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-days',
        '1',
        '-keyout',
        `${tmp}/key.pem`,
        '-out',
        `${tmp}/cert.pem`,
      ],
      { stdio: 'ignore' },
    );
    gw = await startTestGateway({ 'http.tls.certFile': `${tmp}/cert.pem`, 'http.tls.keyFile': `${tmp}/key.pem` });
    await gw.start();
    const port = portOf(gw);
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port, path: '/api/v3/ping', rejectUnauthorized: false }, (res) => {
        let data = '';
        res.on('data', (c) => {
          data += c;
        });
        res.on('end', () => resolve(data));
      });
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(body)).toMatchObject({ statusCode: 200, serviceName: 'hvac-edge-gateway' });
  });
});
