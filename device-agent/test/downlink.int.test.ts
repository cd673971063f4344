import { createLogger } from '@hvac-edge/shared';
import { type KafkaUnderTest, startKafkaForTests, testProducer, uniqueTopic, waitFor } from '@hvac-edge/test/support';
import { afterAll, describe, expect, it } from 'vitest';
import { AS_ADMIN, startTestGateway, type TestGateway } from '../../gateway/test/helpers.js';
import type { SimulatedActuator } from '../src/actuation/actuator.js';
import { createAgent } from '../src/app.js';
import { loadAgentConfig } from '../src/config.js';
import type { ClimateReading, Sensor } from '../src/sensor/sensor.js';

/** A sensor the test sets. */
class ScriptedSensor implements Sensor {
  readonly kind = 'scripted';
  readonly simulated = true;
  value: ClimateReading = { temperatureC: 26, humidityPct: 45 };
  async read() {
    return this.value;
  }
}

describe('downlink: set-point commands reach the agent', () => {
  let kafka: KafkaUnderTest | undefined;
  let gw: TestGateway | undefined;
  let stopAgent: (() => Promise<void>) | undefined;
  afterAll(async () => {
    await stopAgent?.();
    await gw?.dispose();
    await kafka?.stop();
  });

  it('through the command API and the commands topic; expired and duplicate commands are not applied', async () => {
    kafka = await startKafkaForTests();
    const commandsTopic = uniqueTopic('commands');
    gw = await startTestGateway({
      'kafka.brokers': kafka.brokers,
      'kafka.topic': uniqueTopic('events'),
      'kafka.commandsTopic': commandsTopic,
      'rateLimit.perDevicePerMinute': 0,
      'http.shutdownTimeoutMs': 2000,
    });
    await gw.start();
    const a = gw.server.server.address();
    const base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    const sensor = new ScriptedSensor();
    const config = loadAgentConfig(
      {},
      {
        deviceName: 'pi-downlink',
        'sensor.kind': 'simulated',
        'sensor.periodSeconds': 3600,
        'actuator.kind': 'simulated',
        'actuator.minOnSeconds': 0,
        'actuator.minOffSeconds': 0,
        'commands.waitSeconds': 2,
        'gateway.url': base,
        'gateway.retryMinDelayMs': 50,
        'gateway.retryMaxDelayMs': 200,
        'outbox.path': `${gw.dir}/agent.db`,
      },
    );
    const log = createLogger('test', { level: 'silent' });
    const agentParts = createAgent(config, log, sensor);
    stopAgent = agentParts.stop;
    const actuator = agentParts.actuator as SimulatedActuator;
    const outcomes: Array<{ id: string; applied: boolean }> = [];
    const controller = agentParts.controller;
    if (!controller) throw new Error('no controller');
    const apply = controller.apply.bind(controller);
    controller.apply = (c) => {
      const o = apply(c);
      outcomes.push({ id: c.id, applied: o.applied });
      return o;
    };
    agentParts.start();
    await waitFor(async () => (await fetch(`${base}/api/v3/device/name/pi-downlink`)).ok, 'registration');

    const put = (body: object) =>
      fetch(`${base}/api/v3/device/name/pi-downlink/setpoint`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...AS_ADMIN },
        body: JSON.stringify(body),
      });
    // 1. Through the command API.
    const res = await put({ setpoint: 24, idempotencyKey: 'op-1' });
    expect(res.status).toBe(200);
    await res.body?.cancel();
    await waitFor(async () => agentParts.controller?.setpoint === 24, 'set-point 24 applied');
    await agentParts.agent.readOnce(); // 26 °C > 24.5: the relay goes on
    expect(actuator.on).toBe(true);
    await waitFor(async () => agentParts.outbox.size.count === 0, 'reading sent');
    const events = (await (await fetch(`${base}/api/v3/event/device/name/pi-downlink?limit=1`)).json()) as {
      events: Array<{ readings: Array<{ resourceName: string; value: string }> }>;
    };
    expect(events.events[0]?.readings.find((r) => r.resourceName === 'setpoint')?.value).toBe('24');

    // 2. A duplicate (same idempotency key) is queued once and not applied again; unknown device/command -> 404.
    const dup = await put({ setpoint: 19, idempotencyKey: 'op-1' });
    expect(((await dup.json()) as { message: string }).message).toBe('already queued');
    const unknown = await fetch(`${base}/api/v3/device/name/nobody/setpoint`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...AS_ADMIN },
      body: '{"setpoint":20}',
    });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { message: string }).message).toBe('device nobody is not registered');
    const past = await put({ setpoint: 20, expiresAt: Date.now() - 1000 });
    expect(past.status).toBe(400);
    expect(((await past.json()) as { message: string }).message).toBe('expiresAt is in the past');
    // An already-expired command is never queued, so never handed out.
    const stale = await gw.commands.enqueue(
      {
        id: 'stale-1',
        device: 'pi-downlink',
        command: 'setpoint',
        value: 19,
        source: 'test',
        createdAt: Date.now() - 60_000,
        expiresAt: Date.now() - 1,
      },
      'reject',
    );
    expect(stale.outcome).toBe('expired');

    // 3. Through the commands topic (as the cloud sink publishes). The room has cooled to 23 °C meanwhile: the
    // agent's local guard lets a raise to 26.5 °C through (at 26 °C it would hold the set-point lower).
    sensor.value = { temperatureC: 23, humidityPct: 45 };
    for (let i = 0; i < 3; i++) await agentParts.agent.readOnce();
    const producer = testProducer(kafka.brokers);
    await producer.connect();
    const send = () =>
      producer.send({
        topic: commandsTopic,
        messages: [
          {
            key: 'pi-downlink',
            value: JSON.stringify({
              schemaVersion: 1,
              device: 'pi-downlink',
              setpoint: 26.5,
              model: 'test-model-1',
              idempotencyKey: 'rec-1',
              issuedAt: Date.now(),
              expiresAt: Date.now() + 60_000,
            }),
          },
        ],
      });
    // The relay joins its group asynchronously; resend until it is consuming (idempotent on the key).
    await waitFor(
      async () => {
        if (agentParts.controller?.setpoint === 26.5) return true;
        await send();
        return false;
      },
      'set-point from Kafka applied',
      60_000,
    );
    await producer.disconnect();
    await agentParts.agent.readOnce(); // 23 °C < 26.5 - 0.5: the relay goes off
    expect(actuator.on).toBe(false);
    expect(agentParts.controller?.setpoint).toBe(26.5);
    expect(actuator.history.map((h) => h.on)).toEqual([true, false]);
    // Applied once each; the duplicate and the expired command never reached the controller as applicable.
    expect(outcomes.filter((o) => o.applied).map((o) => o.id)).toEqual(['op-1', 'rec-1']);
    expect(outcomes.map((o) => o.id)).not.toContain('stale-1');
  }, 90_000);
});
