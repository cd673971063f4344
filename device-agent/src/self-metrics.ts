import { ProcHostCollector, type Snapshot } from '@hvac-edge/shared';
import type { Logger } from 'pino';
import type { HttpTransport } from './transport/http-transport.js';

const tag = (s: string) => s.replace(/([ ,=\\])/g, '\\$1');

/**
 * The Pi's own health (CPU usage and temperature, load, memory, disk, uptime) as InfluxDB line protocol in
 * Telegraf's measurement names, pushed to the gateway's monitoring API, where the Pi becomes a target.
 */
export function healthLines(host: string, cur: Snapshot, prev: Snapshot | undefined): string {
  const h = tag(host);
  const ts = cur.at;
  const lines: string[] = [];
  if (prev && cur.cpuBusySeconds !== undefined && cur.cpuTotalSeconds !== undefined) {
    const total = cur.cpuTotalSeconds - (prev.cpuTotalSeconds ?? 0);
    const busy = cur.cpuBusySeconds - (prev.cpuBusySeconds ?? 0);
    if (total > 0)
      lines.push(`cpu,cpu=cpu-total,host=${h} usage_idle=${(100 - (busy / total) * 100).toFixed(3)} ${ts}`);
  }
  if (cur.memTotalBytes !== undefined && cur.memAvailableBytes !== undefined)
    lines.push(`mem,host=${h} total=${cur.memTotalBytes}i,available=${cur.memAvailableBytes}i ${ts}`);
  if (cur.diskTotalBytes !== undefined && cur.diskAvailBytes !== undefined)
    lines.push(`disk,host=${h},path=/ total=${cur.diskTotalBytes}i,free=${cur.diskAvailBytes}i ${ts}`);
  const load = cur.load1 === undefined ? '' : `,load1=${cur.load1}`;
  lines.push(
    `system,host=${h} uptime=${Math.round(cur.uptimeSeconds ?? 0)}i,n_cpus=${cur.cpuCores ?? 0}i${load} ${ts}`,
  );
  if (cur.cpuTempC !== undefined) lines.push(`temp,host=${h},sensor=cpu_thermal temp=${cur.cpuTempC} ${ts}`);
  return lines.join('\n');
}

export class SelfMetricsReporter {
  private timer: NodeJS.Timeout | undefined;
  private prev: Snapshot | undefined;
  private failing = false;

  constructor(
    private readonly transport: HttpTransport,
    private readonly host: string,
    private readonly credential: string,
    private readonly intervalSeconds: number,
    private readonly log: Logger,
    private readonly collector = new ProcHostCollector(),
  ) {}

  start(): void {
    void this.report();
    this.timer = setInterval(() => void this.report(), this.intervalSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async report(): Promise<boolean> {
    try {
      const snap = await this.collector.collect();
      const body = healthLines(this.host, snap, this.prev);
      this.prev = snap;
      const res = await this.transport.request('POST', '/infra/write?precision=ms', body, undefined, undefined, {
        credential: this.credential,
        'content-type': 'text/plain; charset=utf-8',
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}: ${res.text().slice(0, 200)}`);
      if (this.failing) this.log.info('health reports reach the gateway again');
      this.failing = false;
      return true;
    } catch (err) {
      if (!this.failing) this.log.warn({ err }, 'health report failed');
      this.failing = true;
      return false;
    }
  }
}
