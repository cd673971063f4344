import { freePort, makeTempDir, type ProcessServer, startProcessServer } from './process-server.js';
import { findSystemBinary } from './system-binaries.js';

export interface VictoriaMetricsServer extends ProcessServer {
  /** Base URL; the InfluxDB v2 write API is at /api/v2/write. */
  url: string;
  /** Raw samples of a series as JSON lines (VictoriaMetrics /api/v1/export), after a flush. */
  exportSeries(
    match: string,
  ): Promise<Array<{ metric: Record<string, string>; values: number[]; timestamps: number[] }>>;
}

/** A real VictoriaMetrics single-node on a random loopback port with its data in a temp dir. */
export async function startVictoriaMetrics(): Promise<VictoriaMetricsServer> {
  const command = findSystemBinary('victoria-metrics');
  const dir = await makeTempDir('vm');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startProcessServer({
    name: 'victoria-metrics',
    command,
    args: [
      `-httpListenAddr=127.0.0.1:${port}`,
      `-storageDataPath=${dir}/data`,
      '-retentionPeriod=100y',
      '-search.disableCache',
      // InfluxDB overwrites a point with the same series and timestamp; VictoriaMetrics needs dedup for that.
      '-dedup.minScrapeInterval=1ms',
      // Queries see data as soon as it is written (the default hides the newest second or so from searches).
      '-search.latencyOffset=0s',
      '-loggerLevel=WARN',
    ],
    port,
    dir,
    ready: async () => (await fetch(`${url}/health`)).ok,
  });
  return {
    ...server,
    url,
    async exportSeries(match) {
      // Make freshly ingested samples searchable before reading them back.
      await fetch(`${url}/internal/force_flush`);
      const res = await fetch(`${url}/api/v1/export?match[]=${encodeURIComponent(match)}`);
      if (!res.ok) throw new Error(`export failed: ${res.status} ${await res.text()}`);
      const text = await res.text();
      return text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    },
  };
}
