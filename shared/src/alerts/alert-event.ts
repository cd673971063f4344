/** Alert events, one shape for every producer (the gateway's monitoring rules, the sink's room watch). */

export type AlertLevel = 'info' | 'warning' | 'critical';

export interface AlertEvent {
  rule: string;
  target: string;
  metric: string;
  state: 'firing' | 'resolved';
  level: AlertLevel;
  /** The value that decided the state (a threshold rule's aggregate, an anomaly's score). */
  value: number | null;
  threshold: number | null;
  at: number;
}

/** Where alert events go besides the log (the gateway's alert engine, an MQTT topic). */
export interface AlertSink {
  publish(event: AlertEvent): Promise<void>;
}
