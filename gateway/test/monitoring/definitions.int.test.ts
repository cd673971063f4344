import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { startNodeExporter } from '@hvac-edge/test/support';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers.js';
import { auth, startMonitoringGateway } from './helpers.js';

/** `df -B1` of `/` on this machine: size, used, available bytes and df's own Use% (rounded up to a whole percent). */
function df() {
  const out = execFileSync('df', ['-B1', '--output=size,used,avail,pcent', '/'], { encoding: 'utf8' });
  const [size, used, avail, pcent] = (out.trim().split('\n')[1] ?? '').trim().split(/\s+/);
  return { size: Number(size), used: Number(used), avail: Number(avail), pct: Number(pcent?.replace('%', '')) };
}

/** The monitoring figures against the tools operators compare them with: df, and Telegraf's own fields. */
describe('monitoring definitions', () => {
  let gw: TestGateway;
  let clock: { now: number };
  afterEach(async () => gw?.dispose());

  const value = async (target: string, metric: string) => {
    const r = await gw.server.inject({
      method: 'GET',
      url: `/infra/cloudServices/${target}/monitoring/${metric}`,
      headers: auth,
    });
    expect(r.statusCode, `${target} ${metric}`).toBe(200);
    return r.json().value as number;
  };
  const push = (body: string | Buffer, headers: Record<string, string> = {}) =>
    gw.server.inject({
      method: 'POST',
      url: '/infra/write?precision=ms',
      payload: body,
      headers: { ...auth, 'content-type': 'text/plain', ...headers },
    });

  it('disk as df: the host (statfs) and a real node_exporter, against df -B1 of / (within 0.5 % of the size)', async () => {
    const exporter = await startNodeExporter();
    try {
      ({ gw, clock } = await startMonitoringGateway({
        'monitoring.nodeExporters': [{ name: 'ne', url: exporter.url }],
      }));
      await gw.monitoring?.collectHost();
      await gw.monitoring?.scrape('ne', exporter.url);
      const d = df();
      for (const target of ['host', 'ne']) {
        expect(await value(target, 'disk_total')).toBe(d.size);
        expect(Math.abs((await value(target, 'disk_used')) - d.used)).toBeLessThan(d.size * 0.005);
        // df rounds Use% up: ours lies within the percent below it.
        const usage = await value(target, 'disk_usage');
        expect(usage, target).toBeGreaterThan(d.pct - 1.5);
        expect(usage, target).toBeLessThanOrEqual(d.pct + 0.5);
      }
    } finally {
      await exporter.stop();
    }
  });

  it("Telegraf's disk fields are used as Telegraf means them; iowait counts as idle as for every source", async () => {
    ({ gw, clock } = await startMonitoringGateway());
    const t = clock.now;
    const res = await push(
      [
        `cpu,cpu=cpu-total,host=tg usage_idle=80,usage_iowait=10,usage_user=8,usage_system=2 ${t}`,
        // A 100 GB file system with 5 % reserved: used (total - bfree) 20 GB, free (bavail) 75 GB, df says 22 %.
        `disk,host=tg,path=/ total=100000000000i,used=20000000000i,free=75000000000i,used_percent=21.052631 ${t}`,
      ].join('\n'),
    );
    expect(res.statusCode).toBe(204);
    expect(await value('tg', 'cpu_usage')).toBe(10);
    expect(await value('tg', 'disk_used')).toBe(20_000_000_000);
    expect(await value('tg', 'disk_usage')).toBeCloseTo(21.052631, 5);
  });

  it('takes gzip bodies (Telegraf content_encoding = "gzip"), counting the limit on the inflated size', async () => {
    ({ gw, clock } = await startMonitoringGateway());
    const line = `cpu,cpu=cpu-total,host=gz usage_idle=70 ${clock.now}`;
    expect((await push(gzipSync(line), { 'content-encoding': 'gzip' })).statusCode).toBe(204);
    expect(await value('gz', 'cpu_usage')).toBe(30);
    const bomb = gzipSync(Buffer.alloc(2_000_000, 0x20));
    expect(bomb.length).toBeLessThan(10_000);
    expect((await push(bomb, { 'content-encoding': 'gzip' })).statusCode).toBe(413);
    const notGzip = await push(line, { 'content-encoding': 'gzip' });
    expect(notGzip.statusCode).toBe(400);
    expect(notGzip.json().message).toMatch(/not valid gzip/);
    const br = await push(line, { 'content-encoding': 'br' });
    expect(br.statusCode).toBe(415);
    expect(br.json().message).toMatch(/Content-Encoding br is not supported here; send gzip or identity/);
  });
});
