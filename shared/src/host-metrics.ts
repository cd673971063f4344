import { readFile, statfs } from 'node:fs/promises';
import { cpus } from 'node:os';

/**
 * One reading of a machine's raw counters and gauges, whatever the source (/proc, node_exporter, Telegraf).
 * Counters are cumulative; rates come from two consecutive snapshots.
 */
export interface Snapshot {
  /** Unix ms. */
  at: number;
  cpuBusySeconds?: number;
  cpuTotalSeconds?: number;
  /** Already a percentage where the source computes it (Telegraf). */
  cpuUsagePct?: number;
  cpuCores?: number;
  /** SoC / CPU package temperature (a Raspberry Pi's thermal zone). */
  cpuTempC?: number;
  memTotalBytes?: number;
  memAvailableBytes?: number;
  diskTotalBytes?: number;
  /** Free blocks, the reserved ones included (statfs f_bfree): df's Used is total minus this. */
  diskFreeBytes?: number;
  /** Blocks available to unprivileged users (statfs f_bavail): df's Avail. */
  diskAvailBytes?: number;
  diskReadBytes?: number;
  diskWrittenBytes?: number;
  uptimeSeconds?: number;
  /** 1-minute load average. */
  load1?: number;
  netRxBytes?: number;
  netTxBytes?: number;
}

/** Whole block devices (sda, vda, xvda, nvme0n1, mmcblk0), so partitions are not counted twice. */
export const WHOLE_DISK = /^(?:[shv]d[a-z]+|xvd[a-z]+|nvme\d+n\d+|mmcblk\d+)$/;

// USER_HZ: /proc/stat counts in clock ticks of 1/100 s on every Linux architecture Node supports.
const TICKS_PER_SECOND = 100;

const SECTOR_BYTES = 512;

export function parseProcStat(text: string): { busy: number; total: number } {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no aggregate cpu line');
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const idleAll = (idle ?? 0) + (iowait ?? 0);
  const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  return { busy: busy / TICKS_PER_SECOND, total: (busy + idleAll) / TICKS_PER_SECOND };
}

export function parseMeminfo(text: string): { total: number; available: number } {
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    if (!m) throw new Error(`/proc/meminfo has no ${key}`);
    return Number(m[1]) * 1024;
  };
  return { total: kb('MemTotal'), available: kb('MemAvailable') };
}

export function parseDiskstats(text: string): { read: number; written: number } {
  let read = 0;
  let written = 0;
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !WHOLE_DISK.test(f[2] ?? '')) continue;
    read += Number(f[5]) * SECTOR_BYTES;
    written += Number(f[9]) * SECTOR_BYTES;
  }
  return { read, written };
}

export function parseNetDev(text: string): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n').slice(2)) {
    const [iface, rest] = line.split(':');
    if (!rest || iface?.trim() === 'lo') continue;
    const f = rest.trim().split(/\s+/).map(Number);
    rx += f[0] ?? 0;
    tx += f[8] ?? 0;
  }
  return { rx, tx };
}

/**
 * A Linux host read from /proc and statfs (the gateway's host, the Pi under the agent): a handful of small file reads per sample and no child
 * processes, so collection costs microseconds, not a fork.
 */
export class ProcHostCollector {
  constructor(
    private readonly mountPoint: string = '/',
    private readonly procRoot: string = '/proc',
    private readonly thermalZone: string = '/sys/class/thermal/thermal_zone0/temp',
  ) {}

  async collect(now = Date.now()): Promise<Snapshot> {
    const [stat, meminfo, diskstats, netdev, uptime, loadavg, fs, temp] = await Promise.all([
      readFile(`${this.procRoot}/stat`, 'utf8'),
      readFile(`${this.procRoot}/meminfo`, 'utf8'),
      readFile(`${this.procRoot}/diskstats`, 'utf8'),
      readFile(`${this.procRoot}/net/dev`, 'utf8'),
      readFile(`${this.procRoot}/uptime`, 'utf8'),
      readFile(`${this.procRoot}/loadavg`, 'utf8'),
      statfs(this.mountPoint),
      // Millidegrees; absent on most servers and VMs.
      readFile(this.thermalZone, 'utf8').catch(() => undefined),
    ]);
    const cpu = parseProcStat(stat);
    const mem = parseMeminfo(meminfo);
    const disk = parseDiskstats(diskstats);
    const net = parseNetDev(netdev);
    return {
      at: now,
      cpuBusySeconds: cpu.busy,
      cpuTotalSeconds: cpu.total,
      cpuCores: cpus().length,
      memTotalBytes: mem.total,
      memAvailableBytes: mem.available,
      diskTotalBytes: fs.blocks * fs.bsize,
      // As df: Used = blocks - bfree, Avail = bavail (node_exporter's free_bytes and avail_bytes).
      diskFreeBytes: fs.bfree * fs.bsize,
      diskAvailBytes: fs.bavail * fs.bsize,
      diskReadBytes: disk.read,
      diskWrittenBytes: disk.written,
      uptimeSeconds: Number(uptime.split(' ')[0]),
      load1: Number(loadavg.split(' ')[0]),
      netRxBytes: net.rx,
      netTxBytes: net.tx,
      ...(temp === undefined ? {} : { cpuTempC: Number(temp.trim()) / 1000 }),
    };
  }
}
