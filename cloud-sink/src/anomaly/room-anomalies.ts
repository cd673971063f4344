import type { EnrichedEvent, Logger } from '@hvac-edge/shared';
import type { AlertLevel, AlertSink } from '@hvac-edge/shared/alerts';
import { type RoomAnomalyKind, RoomClimateWatch } from '@hvac-edge/shared/anomaly';
import type { SinkMetrics } from '../metrics.js';
import { locationOf, type PointRecord, readingNumber } from '../points.js';

/** The series of room climate anomalies; a name in the product's contract (README). */
export const ANOMALY = 'hvac_anomaly';

/** A failed unit overheats the room within the hour; a stuck or drifting sensor misleads, slowly. */
const LEVEL: Record<RoomAnomalyKind, AlertLevel> = {
  'cooling-failure': 'critical',
  'stuck-sensor': 'warning',
  drift: 'warning',
};

/**
 * The sink's room climate watch: each event's reading judged per device (cooling failure, stuck sensor, drift
 * against the devices of the same location), an `hvac_anomaly` point (tags device, kind, gateway, location; field
 * score) for every reading judged anomalous, and each episode's start and end as one log line (warn / info) and
 * `hvac_sink_room_anomalies_total{kind,state}`, and an alert event (rule `room-<kind>`, target the device, metric
 * `temperature`, value the score) to each alert sink: the gateway's alert engine in embedded mode, the MQTT alert
 * topic when configured.
 */
export class RoomAnomalies {
  constructor(
    private readonly metrics: Pick<SinkMetrics, 'roomAnomalies'>,
    private readonly log: Logger,
    private readonly alerts: readonly AlertSink[] = [],
    private readonly watch = new RoomClimateWatch(),
  ) {}

  points(events: readonly EnrichedEvent[]): PointRecord[] {
    const out: PointRecord[] = [];
    for (const m of events) {
      const e = m.event;
      const airC = readingNumber(e, 'temperature');
      if (airC === undefined) continue;
      const location = locationOf(e);
      const humidityPct = readingNumber(e, 'humidity');
      const setpointC = readingNumber(e, 'setpoint');
      const found = this.watch.observe({
        device: e.deviceName,
        atMs: Number(e.origin / 1_000_000n),
        airC,
        ...(location ? { location } : {}),
        ...(humidityPct !== undefined ? { humidityPct } : {}),
        ...(setpointC !== undefined ? { setpointC } : {}),
      });
      for (const a of found) {
        if (a.transition) {
          this.metrics.roomAnomalies.inc({ kind: a.kind, state: a.transition });
          const fields = { device: a.device, kind: a.kind, score: a.score, gateway: m.gatewayId };
          if (a.transition === 'firing') this.log.warn(fields, `room anomaly ${a.kind} on ${a.device}`);
          else this.log.info(fields, `room anomaly ${a.kind} resolved on ${a.device}`);
          const event = {
            rule: `room-${a.kind}`,
            target: a.device,
            metric: 'temperature',
            state: a.transition,
            level: LEVEL[a.kind],
            value: a.score,
            threshold: null,
            at: a.atMs,
          };
          for (const sink of this.alerts) {
            sink
              .publish(event)
              .catch((err: unknown) => this.log.warn({ err, rule: event.rule }, 'alert publish failed'));
          }
        }
        if (a.score <= 0) continue;
        out.push({
          measurement: ANOMALY,
          tags: { device: a.device, kind: a.kind, gateway: m.gatewayId, ...(location ? { location } : {}) },
          fields: { score: a.score },
          time: e.origin.toString(),
        });
      }
    }
    return out;
  }
}
