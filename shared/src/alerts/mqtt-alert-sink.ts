import mqtt, { type MqttClient } from 'mqtt';
import type { AlertEvent, AlertSink } from './alert-event.js';

/**
 * Publishes alert events as JSON to `<topic>/<rule>/<target>`, QoS 1, retained while firing: a subscriber that comes
 * later sees what is firing now, and a resolved alert clears its retained message (an empty retained payload).
 */
export class MqttAlertSink implements AlertSink {
  private readonly client: MqttClient;

  constructor(
    url: string,
    private readonly topic: string,
  ) {
    this.client = mqtt.connect(url, { reconnectPeriod: 2000 });
  }

  async publish(e: AlertEvent): Promise<void> {
    const topic = `${this.topic}/${e.rule}/${e.target}`;
    await this.client.publishAsync(topic, JSON.stringify(e), { qos: 1, retain: e.state === 'firing' });
    if (e.state === 'resolved') await this.client.publishAsync(topic, '', { qos: 1, retain: true });
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
