import mqtt, { type MqttClient } from 'mqtt';
import type { AlertEvent, AlertSink } from './alerts.js';

/** Publishes alert events as JSON to `<topic>/<rule>/<target>`, QoS 1, retained while firing. */
export class MqttAlertSink implements AlertSink {
  private readonly client: MqttClient;

  constructor(
    url: string,
    private readonly topic: string,
  ) {
    this.client = mqtt.connect(url, { reconnectPeriod: 2000 });
  }

  async publish(e: AlertEvent): Promise<void> {
    await this.client.publishAsync(`${this.topic}/${e.rule}/${e.target}`, JSON.stringify(e), {
      qos: 1,
      retain: e.state === 'firing',
    });
  }

  async close(): Promise<void> {
    await this.client.endAsync();
  }
}
