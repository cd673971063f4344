import { promtoolCheckMetrics } from '@hvac-edge/test/support';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers.js';
import { monitoringGet, pushLines, startMonitoringGateway } from './helpers.js';

function telegrafBody(tsNs: bigint, k: number): string {
  return [
    `cpu,cpu=cpu-total,host=vm2 usage_guest=0,usage_idle=92.5,usage_iowait=0.5,usage_system=2.4,usage_user=4.5 ${tsNs}`,
    `cpu,cpu=cpu0,host=vm2 usage_idle=10 ${tsNs}`,
    `mem,host=vm2 active=1234i,available=6000000000i,available_percent=75,total=8000000000i,used=2000000000i,used_percent=25 ${tsNs}`,
    `disk,device=vda1,fstype=ext4,host=vm2,mode=rw,path=/ free=60000000000i,total=100000000000i,used=40000000000i,used_percent=40 ${tsNs}`,
    `disk,device=vdb1,fstype=ext4,host=vm2,mode=rw,path=/data free=1i,total=2i,used=1i,used_percent=50 ${tsNs}`,
    `diskio,host=vm2,name=vda read_bytes=${1_000_000 + k * 100_000}i,write_bytes=${2_000_000 + k * 50_000}i,reads=10i,writes=20i ${tsNs}`,
    `diskio,host=vm2,name=vda1 read_bytes=${999 + k * 1_000_000}i,write_bytes=999i ${tsNs}`,
    `system,host=vm2 load1=0.1,load5=0.3,load15=0.2,n_cpus=4i,n_users=1i ${tsNs}`,
    `system,host=vm2 uptime=${86_400 + k * 10}i,uptime_format="1 day,  0:00" ${tsNs}`,
    `net,host=vm2,interface=eth0 bytes_recv=${5_000_000 + k * 20_000}i,bytes_sent=${3_000_000 + k * 10_000}i,drop_in=0i ${tsNs}`,
    `net,host=vm2,interface=lo bytes_recv=${k * 9_999_999}i,bytes_sent=1i ${tsNs}`,
  ].join('\n');
}

describe('monitoring API', () => {
  let gw: TestGateway;
  let clock: { now: number };
  afterEach(async () => gw?.dispose());

  const get = (url: string, headers?: Record<string, string>) => monitoringGet(gw, url, headers);
  const push = (body: string) => pushLines(gw, body);
  const ns = (ms: number) => BigInt(ms) * 1_000_000n;

  it('requires the credential header: 401 when missing, wrong, or none configured', async () => {
    ({ gw, clock } = await startMonitoringGateway());
    expect((await get('/infra/cloudServices', {})).statusCode).toBe(401);
    const wrong = await get('/infra/cloudServices', { credential: 'nope' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().message).toBe('invalid credential');
    expect((await get('/infra/cloudServices')).statusCode).toBe(200);
    await gw.dispose();
    ({ gw, clock } = await startMonitoringGateway({ 'monitoring.credentials': [] }));
    const none = await get('/infra/cloudServices');
    expect(none.statusCode).toBe(401);
    expect(none.json().message).toMatch(/no monitoring credentials are configured/);
  });

  it('answers 404 for an unknown target or metric, listing the valid ones', async () => {
    ({ gw, clock } = await startMonitoringGateway());
    const t = await get('/infra/cloudServices/VM9/monitoring/cpu_usage');
    expect(t.statusCode).toBe(404);
    expect(t.json().message).toBe('unknown target VM9; valid targets: host');
    const m = await get('/infra/cloudServices/host/monitoring/gpu_temp');
    expect(m.statusCode).toBe(404);
    expect(m.json().message).toMatch(/valid metrics: cpu_usage, cpu_core, mem_usage, mem_total/);
  });

  it("ingests Telegraf's line protocol and serves every metric with the spec's fields", async () => {
    ({ gw, clock } = await startMonitoringGateway());
    const t0 = clock.now;
    expect((await push(telegrafBody(ns(t0), 0))).statusCode).toBe(204);
    clock.now = t0 + 10_000;
    expect((await push(telegrafBody(ns(t0 + 10_000), 1))).statusCode).toBe(204);
    const value = async (metric: string) => {
      const r = await get(`/infra/cloudServices/vm2/monitoring/${metric}`);
      expect(r.statusCode).toBe(200);
      return r.json();
    };
    const cpu = await value('cpu_usage');
    expect(cpu).toEqual({
      now: new Date(t0 + 10_000).toISOString(),
      name: 'vm2',
      host: 'vm2',
      start: new Date(t0).toISOString(),
      end: new Date(t0 + 10_000).toISOString(),
      // 100 - usage_idle 92.5 - usage_iowait 0.5: iowait is idle time, as for every source.
      value: 7,
      unit: '%',
      stale: false,
    });
    expect((await value('cpu_core')).value).toBe(4);
    expect((await value('mem_total')).value).toBe(8_000_000_000);
    expect((await value('mem_usage')).value).toBe(25);
    expect((await value('disk_total')).value).toBe(100_000_000_000);
    expect((await value('disk_usage')).value).toBe(40);
    expect((await value('diskio_rb')).value).toBe(10_000);
    expect((await value('diskio_wb')).value).toBe(5_000);
    expect((await value('net_rx')).value).toBe(2_000);
    expect((await value('net_tx')).value).toBe(1_000);
    expect((await value('system_up_time')).value).toBe(86_410);
    const list = (await get('/infra/cloudServices')).json();
    expect(list.targets.find((x: { name: string }) => x.name === 'vm2')).toMatchObject({
      source: 'push',
      stale: false,
    });
  });

  it('rejects malformed line protocol with the line number, keeping earlier data', async () => {
    ({ gw, clock } = await startMonitoringGateway());
    await push(telegrafBody(ns(clock.now), 0));
    const bad = await push('mem,host=vm2 total=8i\nmem,host=vm2 total=lots');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toBe('line 2: field total: cannot parse value "lots"');
    expect((await get('/infra/cloudServices/vm2/monitoring/mem_total')).json().value).toBe(8_000_000_000);
  });

  it('marks a target stale with the time of its last sample', async () => {
    ({ gw, clock } = await startMonitoringGateway({ 'monitoring.staleAfterSeconds': 60 }));
    const t0 = clock.now;
    await push(telegrafBody(ns(t0), 0));
    clock.now = t0 + 59_000;
    expect((await get('/infra/cloudServices/vm2/monitoring/mem_total')).json().stale).toBe(false);
    clock.now = t0 + 61_000;
    const r = (await get('/infra/cloudServices/vm2/monitoring/mem_total')).json();
    expect(r).toMatchObject({ stale: true, now: new Date(t0).toISOString(), value: 8_000_000_000 });
    const target = (await get('/infra/cloudServices')).json().targets.find((x: { name: string }) => x.name === 'vm2');
    expect(target).toMatchObject({ stale: true, lastSampleAt: new Date(t0).toISOString() });
  });

  it('serves windows with step and aggregation', async () => {
    ({ gw, clock } = await startMonitoringGateway());
    const t0 = clock.now;
    for (let i = 0; i < 12; i++)
      gw.monitoring?.ingest('vm3', 'vm3', 'push', { at: t0 + i * 10_000, cpuUsagePct: i * 10 });
    clock.now = t0 + 110_000;
    const q = (s: string) => get(`/infra/cloudServices/vm3/monitoring/cpu_usage?start=${t0}&end=${t0 + 119_999}${s}`);
    const raw = (await q('')).json();
    expect(raw).toHaveLength(12);
    expect(raw[0]).toMatchObject({ name: 'vm3', start: new Date(t0).toISOString(), value: 0, unit: '%' });
    for (const [agg, values] of [
      ['avg', [25, 85]],
      ['min', [0, 60]],
      ['max', [50, 110]],
      ['last', [50, 110]],
    ] as const) {
      const r = (await q(`&step=60&aggregation=${agg}`)).json();
      expect(r.map((p: { value: number }) => p.value)).toEqual(values);
      expect(r.map((p: { now: string }) => p.now)).toEqual([
        new Date(t0).toISOString(),
        new Date(t0 + 60_000).toISOString(),
      ]);
    }
    expect((await q('&aggregation=median')).statusCode).toBe(400);
    expect((await get(`/infra/cloudServices/vm3/monitoring/cpu_usage?start=yesterday`)).statusCode).toBe(400);
    const iso = (
      await get(
        `/infra/cloudServices/vm3/monitoring/cpu_usage?start=${new Date(t0).toISOString()}&end=${new Date(t0 + 15_000).toISOString()}`,
      )
    ).json();
    expect(iso.map((p: { value: number }) => p.value)).toEqual([0, 10]);
  });

  it('meters a VM from its observed running time and bills it by flavour', async () => {
    const server = {
      target: 'vm4',
      instanceId: 'b3f1c6e2-0000-4000-8000-000000000004',
      instanceName: 'VM4',
      imageId: 'img-ubuntu',
      projectId: 'proj-1',
      flavor: { id: 'm1.small', name: 'm1.small', vcpu: 1, ramMb: 2048, diskGb: 20, pricePerHour: 0.05 },
    };
    ({ gw, clock } = await startMonitoringGateway({ 'monitoring.metering.servers': [server] }));
    const t0 = clock.now;
    // Two hours of samples every 10 s, with a 30-minute outage in the middle that must not count.
    for (let s = 0; s <= 7200; s += 10) {
      if (s > 3600 && s < 5400) continue;
      gw.monitoring?.ingest('vm4', 'vm4', 'push', { at: t0 + s * 1000, cpuUsagePct: 5 });
    }
    clock.now = t0 + 7200_000;
    const rows = (await get('/infra/cloudServices/openstack/meter/servers')).json();
    expect(rows).toEqual([
      expect.objectContaining({
        instanceId: server.instanceId,
        instanceName: 'VM4',
        ImageId: 'img-ubuntu',
        projectId: 'proj-1',
        cloudName: 'openstack',
        flavorId: 'm1.small',
        flavorVcpu: 1,
        flavorRam: 2048,
        flavordisk: 20,
        meterDuration: 5400,
        meterStartTime: new Date(t0).toISOString(),
        meterEndTime: new Date(t0 + 7200_000).toISOString(),
        billing: 0.08,
        state: 'ACTIVE',
      }),
    ]);
    const bill = (await get('/infra/cloudServices/openstack/meter/servers/billing')).json();
    expect(bill).toEqual([
      {
        id: rows[0].id,
        instanceId: server.instanceId,
        instanceName: 'VM4',
        flavorName: 'm1.small',
        flavorVcpu: 1,
        flavorRam: 2048,
        flavordisk: 20,
        meterDuration: 5400,
        billing: 0.08,
      },
    ]);
    expect((await get('/infra/cloudServices/aws/meter/servers')).statusCode).toBe(404);
  });

  it('exposes host/VM metrics on /metrics, and promtool check metrics passes', async () => {
    ({ gw, clock } = await startMonitoringGateway());
    await gw.monitoring?.collectHost();
    await push(telegrafBody(ns(clock.now), 0));
    await gw.server.inject({ method: 'GET', url: '/api/v3/ping' });
    const text = (await gw.server.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/hvac_monitoring_value\{target="vm2",metric="mem_total"\} 8000000000/);
    expect(text).toMatch(/hvac_monitoring_value\{target="host",metric="cpu_core"\} \d+/);
    expect(text).toMatch(/hvac_monitoring_downsampling_ratio\{tier="1m"\} 6/);
    expect(text).toMatch(/hvac_monitoring_collect_cpu_seconds_count 1/);
    const check = promtoolCheckMetrics(text);
    expect(check.output).toBe('');
    expect(check.status).toBe(0);
  });
});
