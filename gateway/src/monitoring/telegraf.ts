import { type Snapshot, WHOLE_DISK } from '@hvac-edge/shared';
import { type Line, timestampToMs } from './line-protocol.js';

const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
const add = (a: number | undefined, b: number | undefined) => (b === undefined ? a : (a ?? 0) + b);

/**
 * Telegraf's cpu, mem, disk, diskio, system and net measurements -> one Snapshot per (host, timestamp).
 * Lines without a `host` tag are attributed to `defaultTarget`.
 */
export function telegrafSnapshots(
  lines: Line[],
  options: { precision: string; now: number; mountPoint: string; defaultTarget?: string },
): Array<{ target: string; snapshot: Snapshot }> {
  const byKey = new Map<string, { target: string; snapshot: Snapshot }>();
  for (const l of lines) {
    const target = l.tags.host ?? options.defaultTarget;
    if (!target) continue;
    const at = timestampToMs(l.timestamp, options.precision, options.now);
    const key = `${target}\u0000${at}`;
    let entry = byKey.get(key);
    if (!entry) {
      entry = { target, snapshot: { at } };
      byKey.set(key, entry);
    }
    const s = entry.snapshot;
    const f = l.fields;
    switch (l.measurement) {
      case 'cpu':
        // iowait is waiting, not working: idle, as for the host's /proc/stat and node_exporter.
        if (l.tags.cpu === 'cpu-total' && num(f.usage_idle) !== undefined)
          s.cpuUsagePct = 100 - (num(f.usage_idle) ?? 0) - (num(f.usage_iowait) ?? 0);
        break;
      case 'mem':
        s.memTotalBytes = num(f.total);
        s.memAvailableBytes = num(f.available);
        break;
      case 'disk':
        if (l.tags.path === options.mountPoint) {
          // Telegraf (gopsutil): total, used = total - bfree, free = bavail. df's figures, from its own fields.
          const total = num(f.total);
          const used = num(f.used);
          s.diskTotalBytes = total;
          s.diskAvailBytes = num(f.free);
          if (total !== undefined && used !== undefined) s.diskFreeBytes = total - used;
        }
        break;
      case 'diskio':
        if (WHOLE_DISK.test(l.tags.name ?? '')) {
          s.diskReadBytes = add(s.diskReadBytes, num(f.read_bytes));
          s.diskWrittenBytes = add(s.diskWrittenBytes, num(f.write_bytes));
        }
        break;
      case 'system':
        if (num(f.uptime) !== undefined) s.uptimeSeconds = num(f.uptime);
        if (num(f.n_cpus) !== undefined) s.cpuCores = num(f.n_cpus);
        if (num(f.load1) !== undefined) s.load1 = num(f.load1);
        break;
      case 'temp':
        // Telegraf's temp input; on a Pi the SoC sensor is cpu_thermal.
        if (num(f.temp) !== undefined && (s.cpuTempC === undefined || /cpu|soc/i.test(l.tags.sensor ?? ''))) {
          s.cpuTempC = num(f.temp);
        }
        break;
      case 'net':
        if (l.tags.interface && l.tags.interface !== 'lo' && l.tags.interface !== 'all') {
          s.netRxBytes = add(s.netRxBytes, num(f.bytes_recv));
          s.netTxBytes = add(s.netTxBytes, num(f.bytes_sent));
        }
        break;
    }
  }
  return [...byKey.values()];
}
