import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type EnrichedEvent, encodeEnrichedEvent, msToOrigin, originMs } from '@hvac-edge/shared';
import {
  freePort,
  type KafkaUnderTest,
  makeEvent,
  startKafkaForTests,
  startTsdbForTests,
  type TsdbUnderTest,
  testProducer,
  uniqueTopic,
  waitFor,
} from '@hvac-edge/test/support';
import { afterAll, describe, expect, it } from 'vitest';
import { startTsdbProxy, type TsdbProxy } from './helpers.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const N = 3000;

// SIGKILL mid-stream and a restart: the set of points equals the set expected (no loss, no duplicates).
describe('cloud sink crash', () => {
  let kafka: KafkaUnderTest | undefined;
  let vm: TsdbUnderTest | undefined;
  let child: ChildProcess | undefined;
  let proxy: TsdbProxy | undefined;
  afterAll(async () => {
    child?.kill('SIGKILL');
    await proxy?.close();
    await Promise.all([kafka?.stop(), vm?.stop()]);
  });

  it('restarts where it committed; every event is one point', { timeout: 90_000 }, async () => {
    [kafka, vm] = await Promise.all([startKafkaForTests({ defaultPartitions: 3 }), startTsdbForTests()]);
    const topic = uniqueTopic('events');
    const groupId = uniqueTopic('sink');
    const t0 = Date.UTC(2026, 10, 2);
    const msgs: EnrichedEvent[] = Array.from({ length: N }, (_, i) => ({
      schemaVersion: 1,
      gatewayId: 'gw-crash',
      receivedAt: t0 + i,
      sequence: Math.floor(i / 5) + 1,
      event: makeEvent({
        deviceName: `c-${i % 5}`,
        originNs: msToOrigin(t0 + i * 1000),
        temperature: 20 + (i % 50) / 10,
      }),
      weather: null,
    }));
    const producer = testProducer(kafka.brokers);
    await producer.connect();
    for (let i = 0; i < N; i += 500) {
      await producer.send({
        topic,
        messages: msgs.slice(i, i + 500).map((m) => ({ key: m.event.deviceName, value: encodeEnrichedEvent(m) })),
      });
    }
    await producer.disconnect();

    // Slow writes make the kill land between batches: the first batch commits, the next is on its way.
    proxy = await startTsdbProxy(vm.url, { delayMs: 300 });
    const start = async (influxUrl: string) => {
      const port = await freePort();
      const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN], {
        env: {
          ...process.env,
          SINK_KAFKA_BROKERS: kafka?.brokers.join(',') ?? '',
          SINK_KAFKA_TOPIC: topic,
          SINK_KAFKA_GROUP_ID: groupId,
          ...vm?.sinkEnv,
          SINK_INFLUX_URL: influxUrl,
          SINK_HTTP_HOST: '127.0.0.1',
          SINK_HTTP_PORT: String(port),
          SINK_LOG_LEVEL: 'error',
          // The killed instance stays a group member until this expires; the restart waits for it.
          SINK_KAFKA_SESSION_TIMEOUT_MS: '6000',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      const exited = new Promise((r) => proc.once('exit', r));
      const consumed = async () => {
        try {
          const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          return Number(/^hvac_sink_events_total (\d+)/m.exec(text)?.[1] ?? 0);
        } catch {
          return 0;
        }
      };
      const ready = async () => (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok === true;
      return { proc, exited, consumed, ready };
    };

    const first = await start(proxy?.url ?? '');
    child = first.proc;
    await waitFor(async () => (await first.consumed()) > 0, 'first batches written', 60_000);
    first.proc.kill('SIGKILL');
    await first.exited;
    const written = (await vm.exportSeries('climate_temperature{gateway="gw-crash"}')).flatMap((s) => s.timestamps);
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThan(N); // the kill landed mid-stream

    const second = await start(vm.url);
    child = second.proc;
    await waitFor(second.ready, 'restarted sink ready', 60_000);
    const points = async () =>
      (await vm?.exportSeries('climate_temperature{gateway="gw-crash"}'))?.flatMap((s) => s.timestamps).length ?? 0;
    await waitFor(async () => (await points()) >= N, 'every point written after the restart', 60_000);
    second.proc.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const series = (await vm.exportSeries('climate_temperature{gateway="gw-crash"}')) ?? [];
    const got = series.flatMap((s) => s.timestamps).sort((a, b) => a - b);
    expect(got).toEqual(msgs.map((m) => originMs(m.event.origin)).sort((a, b) => a - b));
  });
});
