import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_FILES } from '../../src/http/routes/dashboard.js';
import { startTestGateway, type TestGateway } from '../helpers.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ 'auth.tokens': ['a-reader-token-000001'] });
});
afterAll(() => gw?.dispose());

describe('the dashboard files', () => {
  it('weigh at most 150 KB gzipped, all of them', () => {
    const gzipped = Object.values(DASHBOARD_FILES).reduce(
      (n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length,
      0,
    );
    expect(gzipped).toBeLessThanOrEqual(150 * 1024);
  });

  it('are served without a token (they hold no data), gzipped when asked, and / leads to them', async () => {
    const root = await gw.server.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/dashboard/');
    const page = await gw.server.inject({ method: 'GET', url: '/dashboard/', headers: { 'accept-encoding': 'gzip' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(page.rawPayload).toString()).toMatch(/<title>hvac-edge gateway<\/title>/);
    const script = await gw.server.inject({ method: 'GET', url: '/dashboard/uPlot.iife.min.js' });
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    // The data behind it still needs the token.
    expect((await gw.server.inject({ method: 'GET', url: '/api/v3/command/recent' })).statusCode).toBe(401);
  });
});
