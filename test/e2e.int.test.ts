import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { originMs, parseEdgexJson } from '@hvac-edge/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  makeTempDir,
  type ServiceProcess,
  spawnService,
  startKafkaBrokerProcess,
  startTsdbForTests,
  type TsdbUnderTest,
  uniqueTopic,
  waitFor,
} from './support/index.js';

const DEVICE = 'e2e-room-1';

/**
 * The whole chain as separate processes, configured by environment only: simulated device agent -> gateway
 * (embedded store, simulated weather) -> Kafka (the test broker in its own process, or KAFKA_BROKERS) -> cloud
 * sink (shipped model, closed loop on) -> VictoriaMetrics through its InfluxDB v2 write API (or a real InfluxDB 2
 * with INFLUX_URL). The recommended set-point travels back over the commands topic and the gateway's command queue
 * to the agent's simulated relay.
 */
describe('end to end: agent -> gateway -> Kafka -> sink -> TSDB, and the closed loop back to the agent', () => {
  let dir = '';
  let vm: TsdbUnderTest;
  let kafka: { brokers: string[]; stop: () => void };
  const services: ServiceProcess[] = [];
  let gatewayUrl = '';

  beforeAll(async () => {
    dir = await makeTempDir('e2e');
    [vm, kafka] = await Promise.all([startTsdbForTests(), startKafkaBrokerProcess(2)]);
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    kafka?.stop();
    await vm?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('every reading lands once with weather, recommendations are written, and a recommendation reaches the relay', async () => {
    const events = uniqueTopic('events');
    const commands = uniqueTopic('commands');
    const gwPort = await freePort();
    const sinkPort = await freePort();
    gatewayUrl = `http://127.0.0.1:${gwPort}`;
    const gatewayId = uniqueTopic('gw'); // its own command relay group on a Kafka the whole run shares
    const gateway = spawnService('gateway', {
      GATEWAY_GATEWAY_ID: gatewayId,
      GATEWAY_HTTP_HOST: '127.0.0.1',
      GATEWAY_HTTP_PORT: String(gwPort),
      GATEWAY_STORE_PATH: join(dir, 'gateway.db'),
      GATEWAY_LOG_LEVEL: 'warn',
      GATEWAY_KAFKA_BROKERS: kafka.brokers.join(','),
      GATEWAY_KAFKA_TOPIC: events,
      GATEWAY_KAFKA_COMMANDS_TOPIC: commands,
      GATEWAY_KAFKA_IDLE_MS: '100',
      GATEWAY_WEATHER_PROVIDER: 'simulated',
    });
    services.push(gateway);
    await waitFor(
      async () => (await fetch(`${gatewayUrl}/readyz`).catch(() => undefined))?.ok === true,
      'gateway',
      30_000,
    );

    const sink = spawnService('sink', {
      SINK_HTTP_HOST: '127.0.0.1',
      SINK_HTTP_PORT: String(sinkPort),
      SINK_LOG_LEVEL: 'warn',
      SINK_KAFKA_BROKERS: kafka.brokers.join(','),
      SINK_KAFKA_TOPIC: events,
      SINK_KAFKA_DLQ_TOPIC: uniqueTopic('dlq'),
      SINK_KAFKA_GROUP_ID: uniqueTopic('sink'),
      ...vm.sinkEnv,
      SINK_INFERENCE_MODEL_DIR: 'builtin',
      // The agent reads every 2 s here; windows take every reading so recommendations start within seconds.
      SINK_INFERENCE_SAMPLE_SPACING_SECONDS: '0',
      SINK_CLOSED_LOOP_ENABLED: 'true',
      SINK_KAFKA_COMMANDS_TOPIC: commands,
      SINK_CLOSED_LOOP_INTERVAL_SECONDS: '5',
    });
    services.push(sink);

    const agent = spawnService(
      'agent',
      {
        AGENT_DEVICE_NAME: DEVICE,
        AGENT_LOCATION: 'e2e-lab',
        AGENT_LOG_LEVEL: 'info',
        AGENT_SENSOR_KIND: 'simulated',
        AGENT_SENSOR_PERIOD_SECONDS: '2',
        AGENT_ACTUATOR_KIND: 'simulated',
        AGENT_ACTUATOR_INITIAL_SETPOINT_C: '18',
        AGENT_COMMANDS_WAIT_SECONDS: '5',
        AGENT_GATEWAY_URL: gatewayUrl,
        AGENT_OUTBOX_PATH: join(dir, 'agent-outbox.db'),
      },
      ['run'],
    );
    services.push(agent);

    // The closed loop: the agent applies a recommended set-point (the model recommends far above 18 °C) ...
    await waitFor(
      async () => /set-point applied/.test(agent.logs()),
      'a set-point command applied by the agent',
      120_000,
    );
    // ... and reports it back: aircon_setpoint moves off 18 in the TSDB.
    await waitFor(
      async () => (await vm.exportSeries('climate_aircon_setpoint')).some((s) => s.values.some((v) => v > 18.5)),
      'the applied set-point back as aircon_setpoint',
      60_000,
    );

    // Stop the agent; then every reading the gateway stored must appear once in the TSDB.
    expect(await agent.stop()).toBe(0);
    const stored = parseEdgexJson(
      await (await fetch(`${gatewayUrl}/api/v3/event/device/name/${DEVICE}?limit=-1`)).text(),
      'events',
    ) as { events: Array<{ origin: bigint }> };
    const origins = stored.events.map((e) => originMs(e.origin)).sort((a, b) => a - b);
    expect(origins.length).toBeGreaterThan(5);
    await waitFor(
      async () => ((await vm.exportSeries('climate_temperature'))[0]?.timestamps.length ?? 0) >= origins.length,
      'every reading in the TSDB',
      60_000,
    );
    for (const field of ['temperature', 'humidity', 'ext_temperature', 'ext_humidity', 'weather_stat']) {
      const series = await vm.exportSeries(`climate_${field}`);
      expect(series, field).toHaveLength(1);
      expect(series[0]?.metric).toMatchObject({ device: DEVICE, location: 'e2e-lab', gateway: gatewayId });
      expect(
        [...(series[0]?.timestamps ?? [])].sort((a, b) => a - b),
        field,
      ).toEqual(origins);
    }
    const recs = await vm.exportSeries('hvac_recommendation_recommended_setpoint');
    expect(recs).toHaveLength(1);
    expect(recs[0]?.metric).toMatchObject({ device: DEVICE, model: 'hvac-setpoint@2' });
    const recTimes = recs[0]?.timestamps ?? [];
    expect(recTimes.length).toBeGreaterThan(0);
    expect(new Set(recTimes).size).toBe(recTimes.length);
    for (const t of recTimes) expect(origins).toContain(t);
    for (const v of recs[0]?.values ?? []) expect(v >= 18 && v <= 27).toBe(true);
  }, 240_000);
});
