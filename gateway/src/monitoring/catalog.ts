/** The monitoring API's metrics, with units (the infrastructure-API spec's names, plus network rx/tx). */
export const METRICS = {
  cpu_usage: { unit: '%', description: 'CPU busy time over the last interval, all cores' },
  cpu_core: { unit: 'count', description: 'logical CPU cores' },
  mem_usage: { unit: '%', description: 'memory in use (total - available) / total' },
  mem_total: { unit: 'bytes', description: 'physical memory' },
  mem_used: { unit: 'bytes', description: 'memory in use (total - available)' },
  disk_usage: { unit: '%', description: "df's Use%: used / (used + available), of the monitored filesystem" },
  disk_total: { unit: 'bytes', description: 'size of the monitored filesystem' },
  disk_used: { unit: 'bytes', description: "space used on the monitored filesystem (df's Used: size - free)" },
  diskio_rb: { unit: 'bytes/s', description: 'bytes read from block devices per second' },
  diskio_wb: { unit: 'bytes/s', description: 'bytes written to block devices per second' },
  system_up_time: { unit: 's', description: 'seconds since boot' },
  load1: { unit: 'count', description: '1-minute load average (runnable and uninterruptible tasks)' },
  cpu_temp: { unit: '°C', description: 'CPU/SoC temperature, where the host exposes one (a Raspberry Pi does)' },
  net_rx: { unit: 'bytes/s', description: 'bytes received per second, all interfaces but loopback' },
  net_tx: { unit: 'bytes/s', description: 'bytes sent per second, all interfaces but loopback' },
  buffer_bytes: { unit: 'bytes', description: "the gateway's own event buffer on disk (its host target only)" },
} as const;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

export function isMetricName(s: string): s is MetricName {
  return Object.hasOwn(METRICS, s);
}

export { type Snapshot, WHOLE_DISK } from '@hvac-edge/shared';

import type { Snapshot } from '@hvac-edge/shared';

const rate = (cur?: number, prev?: number, dtS?: number) =>
  cur === undefined || prev === undefined || !dtS || cur < prev ? undefined : (cur - prev) / dtS;

/** Metric values from a snapshot and the previous one of the same target (rates need both). */
export function snapshotToValues(cur: Snapshot, prev: Snapshot | undefined): Partial<Record<MetricName, number>> {
  const v: Partial<Record<MetricName, number>> = {};
  const dt = prev ? (cur.at - prev.at) / 1000 : undefined;
  if (cur.cpuUsagePct !== undefined) v.cpu_usage = cur.cpuUsagePct;
  else if (prev && cur.cpuBusySeconds !== undefined && cur.cpuTotalSeconds !== undefined) {
    const busy = (cur.cpuBusySeconds ?? 0) - (prev.cpuBusySeconds ?? 0);
    const total = (cur.cpuTotalSeconds ?? 0) - (prev.cpuTotalSeconds ?? 0);
    if (total > 0 && busy >= 0) v.cpu_usage = (busy / total) * 100;
  }
  if (cur.cpuCores !== undefined) v.cpu_core = cur.cpuCores;
  if (cur.memTotalBytes !== undefined && cur.memAvailableBytes !== undefined) {
    v.mem_total = cur.memTotalBytes;
    v.mem_used = cur.memTotalBytes - cur.memAvailableBytes;
    v.mem_usage = cur.memTotalBytes > 0 ? (v.mem_used / cur.memTotalBytes) * 100 : 0;
  }
  if (cur.diskTotalBytes !== undefined && cur.diskAvailBytes !== undefined) {
    // As df: Used = size - free (reserved blocks count as used), Use% = Used / (Used + Avail). A source without
    // free blocks (an older push) falls back to size - available.
    v.disk_total = cur.diskTotalBytes;
    v.disk_used = cur.diskTotalBytes - (cur.diskFreeBytes ?? cur.diskAvailBytes);
    const usable = v.disk_used + cur.diskAvailBytes;
    v.disk_usage = usable > 0 ? (v.disk_used / usable) * 100 : 0;
  }
  const rb = rate(cur.diskReadBytes, prev?.diskReadBytes, dt);
  const wb = rate(cur.diskWrittenBytes, prev?.diskWrittenBytes, dt);
  const rx = rate(cur.netRxBytes, prev?.netRxBytes, dt);
  const tx = rate(cur.netTxBytes, prev?.netTxBytes, dt);
  if (rb !== undefined) v.diskio_rb = rb;
  if (wb !== undefined) v.diskio_wb = wb;
  if (rx !== undefined) v.net_rx = rx;
  if (tx !== undefined) v.net_tx = tx;
  if (cur.uptimeSeconds !== undefined) v.system_up_time = cur.uptimeSeconds;
  if (cur.load1 !== undefined) v.load1 = cur.load1;
  if (cur.cpuTempC !== undefined) v.cpu_temp = cur.cpuTempC;
  return v;
}
