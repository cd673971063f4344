import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyPluginAsync } from 'fastify';
import { access } from '../auth.js';

/** The dashboard's own files (gateway/dashboard, beside src and dist) and uPlot's, shipped in the package. */
export const DASHBOARD_DIR = fileURLToPath(new URL('../../../dashboard/', import.meta.url));
const UPLOT_DIST = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');

/** Every file the page loads, by the name it is served under. */
export const DASHBOARD_FILES: Record<string, string> = {
  'index.html': join(DASHBOARD_DIR, 'index.html'),
  'app.js': join(DASHBOARD_DIR, 'app.js'),
  'app.css': join(DASHBOARD_DIR, 'app.css'),
  'uPlot.iife.min.js': join(UPLOT_DIST, 'uPlot.iife.min.js'),
  'uPlot.min.css': join(UPLOT_DIST, 'uPlot.min.css'),
};
const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
};

/**
 * The dashboard at /dashboard/ (and / redirecting there): five static files, read and gzipped once at start, public
 * like /openapi.json — they hold no data; every figure on the page comes from the gateway's APIs, with the token the
 * browser was given.
 */
export const dashboardRoutes: FastifyPluginAsync = async (app) => {
  for (const [name, path] of Object.entries(DASHBOARD_FILES)) {
    const body = readFileSync(path);
    const gzipped = gzipSync(body, { level: 9 });
    const type = TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream';
    const url = name === 'index.html' ? '/dashboard/' : `/dashboard/${name}`;
    app.get(url, { schema: { hide: true }, config: access('public') }, (request, reply) => {
      reply.header('content-type', type).header('cache-control', 'no-cache').header('vary', 'accept-encoding');
      if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
        return reply.header('content-encoding', 'gzip').send(gzipped);
      }
      return reply.send(body);
    });
  }
  app.get('/', { schema: { hide: true }, config: access('public') }, (_request, reply) =>
    reply.redirect('/dashboard/'),
  );
};
