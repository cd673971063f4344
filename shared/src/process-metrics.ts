// A subpath of its own (`@hvac-edge/shared/process-metrics`), not in the package's index: the device agent imports
// the index, and has no use for prom-client at its start.

import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { collectDefaultMetrics, Gauge, type Registry } from 'prom-client';

/**
 * prom-client's process gauges that a service leaves out:
 * - those named `..._total`: Prometheus reserves `_total` for counters, and `promtool check metrics` fails on them;
 * - the counts per handle and per resource type: every scrape lists every handle of the process on the event loop.
 *   At a fleet of 10,000 keep-alive connections, that and the listing of /proc/self/fd (below) held the gateway's
 *   event loop for tens of milliseconds per scrape, and each device's answer with it.
 * - `process_open_fds`, which is replaced by a count that does not list the descriptors.
 */
const LEFT_OUT = [
  'nodejs_active_handles',
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources',
  'nodejs_active_resources_total',
  'process_open_fds',
];

/**
 * prom-client's default process and Node.js metrics, `prefix`ed, without the gauges above, and with
 * `process_open_fds` counted cheaply (see openFileDescriptors).
 */
export function registerProcessMetrics(registry: Registry, prefix: string): void {
  collectDefaultMetrics({ register: registry, prefix });
  for (const name of LEFT_OUT) registry.removeSingleMetric(`${prefix}${name}`);
  if (process.platform !== 'linux') return;
  new Gauge({
    name: `${prefix}process_open_fds`,
    help: 'Number of open file descriptors.',
    registers: [registry],
    async collect() {
      const open = await openFileDescriptors();
      if (open !== undefined) this.set(open);
    },
  });
}

/**
 * The process's open file descriptors. Linux 6.2 and later give their number as the size of /proc/self/fd, without
 * listing them; an older kernel gives 0, and then the directory is listed on the thread pool, not the event loop.
 * Undefined where there is no /proc.
 */
async function openFileDescriptors(): Promise<number | undefined> {
  try {
    const { size } = statSync('/proc/self/fd');
    if (size > 0) return size;
    // The listing holds a descriptor of its own while it reads.
    return (await readdir('/proc/self/fd')).length - 1;
  } catch {
    return undefined;
  }
}
