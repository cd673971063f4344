import { freePort, makeTempDir, type ProcessServer, startProcessServer } from './process-server.js';
import { findSystemBinary } from './system-binaries.js';

export interface NodeExporterServer extends ProcessServer {
  /** The /metrics URL. */
  url: string;
  /** node_exporter's own exposition text, for comparing numbers. */
  scrape(): Promise<string>;
}

/** A real Prometheus node_exporter (Debian's prometheus-node-exporter) on a random loopback port. */
export async function startNodeExporter(): Promise<NodeExporterServer> {
  const command = findSystemBinary('prometheus-node-exporter');
  const dir = await makeTempDir('node-exporter');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/metrics`;
  const server = await startProcessServer({
    name: 'node_exporter',
    command,
    args: [`--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    port,
    dir,
    ready: async () => (await fetch(url)).ok,
  });
  return { ...server, url, scrape: async () => (await fetch(url)).text() };
}
