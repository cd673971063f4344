import { MqttAlertSink } from '@hvac-edge/shared/alerts';
import { startMosquitto } from '@hvac-edge/test/support';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';

describe('MqttAlertSink against a real Mosquitto', () => {
  it('publishes <topic>/<rule>/<target> as JSON, retained while firing, a late subscriber sees the firing one, and resolving clears it', async () => {
    const broker = await startMosquitto();
    const sink = new MqttAlertSink(broker.url, 'hvac-edge/alerts');
    try {
      const event = {
        rule: 'room-cooling-failure',
        target: 'room-1',
        metric: 'temperature',
        state: 'firing' as const,
        level: 'critical' as const,
        value: 0.8,
        threshold: null,
        at: 1_764_000_000_000,
      };
      await sink.publish(event);
      // Subscribed after the publish: the retained message arrives.
      const late = await mqtt.connectAsync(broker.url);
      const got = new Promise<{ topic: string; body: unknown; retain: boolean }>((resolve) =>
        late.on('message', (topic, payload, packet) =>
          resolve({ topic, body: JSON.parse(payload.toString()), retain: packet.retain }),
        ),
      );
      await late.subscribeAsync('hvac-edge/alerts/#', { qos: 1 });
      expect(await got).toEqual({ topic: 'hvac-edge/alerts/room-cooling-failure/room-1', body: event, retain: true });
      await late.endAsync();
      // Resolved: the retained message is cleared. A newer subscriber gets only the retained marker it asked for
      // after the alerts (retained messages arrive in subscription order on one connection).
      await sink.publish({ ...event, state: 'resolved', at: event.at + 60_000 });
      const later = await mqtt.connectAsync(broker.url);
      await later.publishAsync('hvac-edge/test-marker', 'end', { qos: 1, retain: true });
      const first = new Promise<string>((resolve) => later.on('message', (topic) => resolve(topic)));
      await later.subscribeAsync('hvac-edge/alerts/#', { qos: 1 });
      await later.subscribeAsync('hvac-edge/test-marker', { qos: 1 });
      expect(await first).toBe('hvac-edge/test-marker');
      await later.endAsync();
    } finally {
      await sink.close();
      await broker.stop();
    }
  });
});
