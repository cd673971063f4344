import { closeSync, openSync, readdirSync } from 'node:fs';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { registerProcessMetrics } from '../src/process-metrics.js';

const linux = process.platform === 'linux';

describe('process metrics', () => {
  const opened: number[] = [];
  afterEach(() => {
    for (const fd of opened.splice(0)) closeSync(fd);
  });

  it('registers the default process metrics without the per-handle listings and gauges named _total', async () => {
    const registry = new Registry();
    registerProcessMetrics(registry, 'x_');
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'x_process_cpu_seconds_total',
        'x_process_resident_memory_bytes',
        'x_nodejs_version_info',
      ]),
    );
    expect(names).toContain('x_nodejs_active_requests');
    for (const gone of ['x_nodejs_active_handles', 'x_nodejs_active_resources']) expect(names).not.toContain(gone);
    expect(names.filter((n) => n.startsWith('x_nodejs_active') && n.endsWith('_total'))).toEqual([]);
    expect(names.includes('x_process_open_fds')).toBe(linux);
  });

  it.runIf(linux)('counts open file descriptors as a listing of /proc/self/fd does, and follows them', async () => {
    const registry = new Registry();
    registerProcessMetrics(registry, 'x_');
    const gauge = async () => (await registry.getSingleMetric('x_process_open_fds')?.get())?.values[0]?.value;
    // Other threads of the test runner may open or close a descriptor meanwhile: a small tolerance.
    const listed = readdirSync('/proc/self/fd').length - 1;
    const before = (await gauge()) ?? 0;
    expect(Math.abs(before - listed)).toBeLessThanOrEqual(2);
    for (let i = 0; i < 40; i++) opened.push(openSync(import.meta.filename, 'r'));
    const after = (await gauge()) ?? 0;
    expect(Math.abs(after - before - 40)).toBeLessThanOrEqual(2);
  });
});
