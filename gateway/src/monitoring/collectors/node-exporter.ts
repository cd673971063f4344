import { type Snapshot, WHOLE_DISK } from '@hvac-edge/shared';
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';

function samples(families: Map<string, PromFamily>, name: string) {
  return (families.get(name)?.metrics ?? []).map((m) => ({ labels: m.labels ?? {}, value: Number(m.value) }));
}

function sum(list: { value: number }[]): number | undefined {
  return list.length ? list.reduce((a, s) => a + s.value, 0) : undefined;
}

/** node_exporter's text exposition -> a Snapshot, by the same definitions the /proc collector uses. */
export function nodeExporterSnapshot(text: string, at: number, mountPoint = '/'): Snapshot {
  const families = new Map(parsePrometheusTextFormat(text).map((f) => [f.name, f]));
  const cpu = samples(families, 'node_cpu_seconds_total');
  const idle = cpu.filter((s) => s.labels.mode === 'idle' || s.labels.mode === 'iowait');
  // guest time is already counted in user (as in /proc/stat), so it is left out of the total.
  const counted = cpu.filter((s) => s.labels.mode !== 'guest' && s.labels.mode !== 'guest_nice');
  const total = sum(counted);
  const snap: Snapshot = { at };
  if (total !== undefined) {
    snap.cpuTotalSeconds = total;
    snap.cpuBusySeconds = total - (sum(idle) ?? 0);
    snap.cpuCores = new Set(cpu.map((s) => s.labels.cpu)).size;
  }
  const one = (name: string, filter: (l: Record<string, string>) => boolean = () => true) =>
    samples(families, name).find((s) => filter(s.labels))?.value;
  snap.memTotalBytes = one('node_memory_MemTotal_bytes');
  snap.memAvailableBytes = one('node_memory_MemAvailable_bytes');
  const onMount = (l: Record<string, string>) => l.mountpoint === mountPoint;
  snap.diskTotalBytes = one('node_filesystem_size_bytes', onMount);
  snap.diskFreeBytes = one('node_filesystem_free_bytes', onMount);
  snap.diskAvailBytes = one('node_filesystem_avail_bytes', onMount);
  const disk = (l: Record<string, string>) => WHOLE_DISK.test(l.device ?? '');
  snap.diskReadBytes = sum(samples(families, 'node_disk_read_bytes_total').filter((s) => disk(s.labels)));
  snap.diskWrittenBytes = sum(samples(families, 'node_disk_written_bytes_total').filter((s) => disk(s.labels)));
  const notLo = (s: { labels: Record<string, string> }) => s.labels.device !== 'lo';
  snap.netRxBytes = sum(samples(families, 'node_network_receive_bytes_total').filter(notLo));
  snap.netTxBytes = sum(samples(families, 'node_network_transmit_bytes_total').filter(notLo));
  snap.load1 = one('node_load1');
  const now = one('node_time_seconds');
  const boot = one('node_boot_time_seconds');
  if (now !== undefined && boot !== undefined) snap.uptimeSeconds = now - boot;
  return snap;
}

/** Scrapes one node_exporter over HTTP. */
export async function scrapeNodeExporter(url: string, timeoutMs: number, mountPoint = '/'): Promise<Snapshot> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`node_exporter ${url} answered ${res.status}`);
  return nodeExporterSnapshot(await res.text(), Date.now(), mountPoint);
}
