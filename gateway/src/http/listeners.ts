import type { Component, Logger } from '@hvac-edge/shared';
import type { FastifyInstance } from 'fastify';
import { Gauge } from 'prom-client';
import { warnAboutAccess } from './auth.js';
import { buildServer } from './server.js';
import type { ServerDeps } from './types.js';

export interface HttpListeners extends Component {
  /** The main API server (tests inject into it). */
  readonly server: FastifyInstance;
  /** Servers for EdgeX v1 clients on their historic ports (same routes). */
  readonly legacy: FastifyInstance[];
  /** Bound addresses once started: the main one first. */
  readonly addresses: string[];
}

/**
 * The HTTP API on `http.port` and on every `http.legacyPorts` entry. Stop answers long polls at once, gives
 * in-flight requests half the shutdown timeout, then cuts what is still open so that the store can close.
 */
export async function createHttpListeners(deps: ServerDeps, log: Logger): Promise<HttpListeners> {
  const { http } = deps.config;
  const server = await buildServer(deps);
  const legacy = await Promise.all(http.legacyPorts.map(() => buildServer(deps)));
  const addresses: string[] = [];
  // Each device of a fleet keeps its connection open between readings: what the gateway holds, read at scrape time
  // (a counter kept by each server, not a listing of the process's handles).
  new Gauge({
    name: 'hvac_gateway_http_connections',
    help: 'Open HTTP connections, over the main and the legacy ports',
    registers: [deps.metrics.registry],
    async collect() {
      const counts = await Promise.all(
        [server, ...legacy].map(
          (s) => new Promise<number>((resolve) => s.server.getConnections((err, n) => resolve(err ? 0 : n))),
        ),
      );
      this.set(counts.reduce((a, b) => a + b, 0));
    },
  });
  return {
    name: 'http',
    server,
    legacy,
    addresses,
    async start() {
      warnAboutAccess(deps.config, log);
      addresses.push(await server.listen({ host: http.host, port: http.port }));
      for (const [i, s] of legacy.entries()) {
        addresses.push(await s.listen({ host: http.host, port: http.legacyPorts[i] as number }));
      }
    },
    async stop() {
      const servers = [server, ...legacy];
      const closing = Promise.all(servers.map((s) => s.close()));
      deps.commands.wakeAll();
      const graceMs = http.shutdownTimeoutMs / 2;
      const grace = setTimeout(() => {
        log.warn({ graceMs }, 'closing connections still open after the grace period');
        for (const s of servers) s.server.closeAllConnections();
      }, graceMs);
      await closing;
      clearTimeout(grace);
    },
  };
}
