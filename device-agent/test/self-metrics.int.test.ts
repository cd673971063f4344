import { createLogger } from '@hvac-edge/shared';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../gateway/test/helpers.js';
import { createAgent } from '../src/app.js';
import { loadAgentConfig } from '../src/config.js';
import { healthLines } from '../src/self-metrics.js';

describe('agent self-metrics', () => {
  let gw: TestGateway | undefined;
  let stop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await stop?.();
    await gw?.dispose();
  });

  it('writes Telegraf-shaped line protocol, escaping the host tag', () => {
    const text = healthLines(
      'pi 1,a',
      {
        at: 2000,
        cpuBusySeconds: 15,
        cpuTotalSeconds: 40,
        memTotalBytes: 100,
        memAvailableBytes: 40,
        cpuCores: 4,
        uptimeSeconds: 99.6,
        cpuTempC: 51.5,
        load1: 0.5,
      },
      { at: 1000, cpuBusySeconds: 10, cpuTotalSeconds: 20 },
    );
    expect(text.split('\n')).toEqual([
      'cpu,cpu=cpu-total,host=pi\\ 1\\,a usage_idle=75.000 2000',
      'mem,host=pi\\ 1\\,a total=100i,available=40i 2000',
      'system,host=pi\\ 1\\,a uptime=100i,n_cpus=4i,load1=0.5 2000',
      'temp,host=pi\\ 1\\,a,sensor=cpu_thermal temp=51.5 2000',
    ]);
  });

  it("the Pi appears as a monitoring target with its host's figures", async () => {
    gw = await startTestGateway({ 'monitoring.credentials': ['pi-credential-1'] });
    await gw.start();
    const a = gw.server.server.address();
    const base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    const config = loadAgentConfig(
      {},
      {
        deviceName: 'pi-health',
        'sensor.kind': 'simulated',
        'gateway.url': base,
        'selfMetrics.credential': 'pi-credential-1',
        'outbox.path': `${gw.dir}/agent.db`,
      },
    );
    const parts = createAgent(config, createLogger('t', { level: 'silent' }));
    stop = parts.stop;
    expect(await parts.health?.report()).toBe(true);
    expect(await parts.health?.report()).toBe(true);
    const get = async (metric: string) => {
      const res = await fetch(`${base}/infra/cloudServices/pi-health/monitoring/${metric}`, {
        headers: { credential: 'pi-credential-1' },
      });
      return ((await res.json()) as { value: number }).value;
    };
    const memTotal =
      Number(
        /MemTotal:\s+(\d+)/.exec(await import('node:fs').then((fs) => fs.readFileSync('/proc/meminfo', 'utf8')))?.[1],
      ) * 1024;
    expect(await get('mem_total')).toBe(memTotal);
    expect(await get('cpu_core')).toBe((await import('node:os')).cpus().length);
    const cpu = await get('cpu_usage');
    expect(cpu).toBeGreaterThanOrEqual(0);
    expect(cpu).toBeLessThanOrEqual(100);
    expect(await get('disk_total')).toBeGreaterThan(0);
  });
});
