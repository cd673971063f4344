import { cpus } from 'node:os';
import { type NodeExporterServer, startNodeExporter } from '@hvac-edge/test/support';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers.js';
import { auth, startMonitoringGateway } from './helpers.js';

function promValue(text: string, name: string, labels: Record<string, string> = {}): number {
  const family = parsePrometheusTextFormat(text).find((f) => f.name === name);
  const sample = family?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  if (!sample) throw new Error(`node_exporter has no ${name} ${JSON.stringify(labels)}`);
  return Number(sample.value);
}

// A real node_exporter, scraped by the gateway; every metric checked against node_exporter's own numbers.
describe('monitoring: real prometheus-node-exporter', () => {
  let exporter: NodeExporterServer;
  let gw: TestGateway;
  let clock: { now: number };

  beforeAll(async () => {
    exporter = await startNodeExporter();
    ({ gw, clock } = await startMonitoringGateway({
      'monitoring.nodeExporters': [{ name: 'vm1', url: exporter.url }],
    }));
  });
  afterAll(async () => {
    await gw?.dispose();
    await exporter?.stop();
  });

  const value = async (metric: string) => {
    const r = await gw.server.inject({
      method: 'GET',
      url: `/infra/cloudServices/vm1/monitoring/${metric}`,
      headers: auth,
    });
    expect(r.statusCode).toBe(200);
    return r.json().value as number;
  };

  it('scrapes every metric with node_exporter-consistent values and units', async () => {
    await gw.monitoring?.scrape('vm1', exporter.url);
    clock.now += 10_000; // rates are per second of the gateway's clock between two scrapes
    await gw.monitoring?.scrape('vm1', exporter.url);
    const text = await exporter.scrape();

    expect(await value('mem_total')).toBe(promValue(text, 'node_memory_MemTotal_bytes'));
    const total = promValue(text, 'node_memory_MemTotal_bytes');
    const avail = promValue(text, 'node_memory_MemAvailable_bytes');
    // Memory moves between scrapes: within 2 percentage points of node_exporter's figure taken just after.
    expect(Math.abs((await value('mem_usage')) - ((total - avail) / total) * 100)).toBeLessThan(2);
    expect(await value('disk_total')).toBe(promValue(text, 'node_filesystem_size_bytes', { mountpoint: '/' }));
    const size = promValue(text, 'node_filesystem_size_bytes', { mountpoint: '/' });
    const free = promValue(text, 'node_filesystem_free_bytes', { mountpoint: '/' });
    const fsAvail = promValue(text, 'node_filesystem_avail_bytes', { mountpoint: '/' });
    // df's definitions: used = size - free, Use% = used / (used + avail); the disk moves a little between scrapes.
    expect(Math.abs((await value('disk_used')) - (size - free))).toBeLessThan(size * 0.005);
    expect(Math.abs((await value('disk_usage')) - ((size - free) / (size - free + fsAvail)) * 100)).toBeLessThan(0.5);
    expect(await value('cpu_core')).toBe(cpus().length);
    const uptime = promValue(text, 'node_time_seconds') - promValue(text, 'node_boot_time_seconds');
    expect(Math.abs((await value('system_up_time')) - uptime)).toBeLessThan(5);
    const cpu = await value('cpu_usage');
    expect(cpu).toBeGreaterThanOrEqual(0);
    expect(cpu).toBeLessThanOrEqual(100);
    for (const rate of ['diskio_rb', 'diskio_wb', 'net_rx', 'net_tx']) {
      const v = await value(rate);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(Number.isFinite(v)).toBe(true);
    }
  });

  it('reads the gateway host from /proc with the same numbers node_exporter reports', async () => {
    await gw.monitoring?.collectHost();
    const text = await exporter.scrape();
    const host = async (metric: string) =>
      (
        await gw.server.inject({ method: 'GET', url: `/infra/cloudServices/host/monitoring/${metric}`, headers: auth })
      ).json().value as number;
    expect(await host('mem_total')).toBe(promValue(text, 'node_memory_MemTotal_bytes'));
    expect(await host('disk_total')).toBe(promValue(text, 'node_filesystem_size_bytes', { mountpoint: '/' }));
    expect(await host('cpu_core')).toBe(cpus().length);
    const uptime = promValue(text, 'node_time_seconds') - promValue(text, 'node_boot_time_seconds');
    expect(Math.abs((await host('system_up_time')) - uptime)).toBeLessThan(5);
  });

  it('counts a failed scrape and keeps the target, marked by its last sample', async () => {
    await gw.monitoring?.scrape('vm1', 'http://127.0.0.1:1/metrics');
    const metrics = (await gw.server.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/hvac_monitoring_scrape_errors_total\{target="vm1"\} 1/);
  });
});
