import { PoisonError, retry } from '@hvac-edge/shared';
import { InfluxDB, Point, setLogger, type WriteApi } from '@influxdata/influxdb-client';
import type { Logger } from 'pino';
import type { SinkMetrics } from '../metrics.js';
import type { PointRecord } from '../points.js';

/** Port: writes a batch of points durably, or rejects (the caller keeps its offsets uncommitted). */
export interface PointWriter {
  write(points: PointRecord[]): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface InfluxWriterOptions {
  url: string;
  token: string;
  org: string;
  bucket: string;
  timeoutMs: number;
  retryMinDelayMs: number;
  retryMaxDelayMs: number;
}

/** A point record in the InfluxDB client's terms. */
export function toInfluxPoint(r: PointRecord): Point {
  const p = new Point(r.measurement);
  for (const [k, v] of Object.entries(r.tags)) p.tag(k, v);
  for (const [k, v] of Object.entries(r.fields)) {
    if (r.integers?.includes(k)) p.intField(k, v);
    else p.floatField(k, v);
  }
  return p.timestamp(r.time);
}

/**
 * InfluxDB v2 write API through @influxdata/influxdb-client, one write call per batch. The client's own retry
 * buffer is off: a batch is retried here with the shared backoff until it lands or the sink stops, so that "written"
 * means acknowledged by the server before any offset is committed.
 */
export class InfluxPointWriter implements PointWriter {
  private readonly influx: InfluxDB;
  private readonly abort = new AbortController();

  constructor(
    private readonly options: InfluxWriterOptions,
    private readonly metrics: Pick<SinkMetrics, 'writeRetries'>,
    private readonly log: Logger,
  ) {
    this.influx = new InfluxDB({ url: options.url, token: options.token, timeout: options.timeoutMs });
    // The client logs every failed write to the console itself; failures are logged (once per outage) by the
    // retry below, so its own lines go to debug.
    setLogger({
      error: (message, err) => log.debug({ err }, message),
      warn: (message, err) => log.debug({ err }, message),
    });
  }

  private api(): WriteApi {
    return this.influx.getWriteApi(this.options.org, this.options.bucket, 'ns', {
      maxRetries: 0,
      batchSize: 1_000_000,
      flushInterval: 0,
    });
  }

  async write(records: PointRecord[]): Promise<void> {
    if (records.length === 0) return;
    const points = records.map(toInfluxPoint);
    await retry(
      async () => {
        const api = this.api();
        api.writePoints(points);
        try {
          await api.close();
        } catch (err) {
          const status = (err as { statusCode?: number }).statusCode;
          // 400 (a malformed point), 413 (too large), 422 (outside the bucket's retention, a field-type conflict):
          // the points themselves are refused, and the caller sets the refused events aside. A 401/403/404 (token,
          // org, bucket) is a deployment error an operator fixes: retried, loudly, and nothing is lost meanwhile.
          if (status === 400 || status === 413 || status === 422) {
            throw new PoisonError(`InfluxDB refused the points (HTTP ${status}): ${(err as Error).message}`, {
              cause: err,
            });
          }
          throw err;
        }
      },
      {
        forever: true,
        minDelayMs: this.options.retryMinDelayMs,
        maxDelayMs: this.options.retryMaxDelayMs,
        signal: this.abort.signal,
        onRetry: (err, attempt) => {
          this.metrics.writeRetries.inc();
          const status = (err as { statusCode?: number }).statusCode;
          if (attempt === 1 && (status === 401 || status === 403 || status === 404)) {
            this.log.error(
              { err, status },
              'InfluxDB refuses the writes: check influx.token, influx.org and influx.bucket; retrying meanwhile',
            );
          } else if (attempt === 1) this.log.warn({ err }, 'InfluxDB write failed; retrying with backoff');
        },
      },
    );
  }

  async ping(): Promise<boolean> {
    try {
      const res = await fetch(new URL('/health', this.options.url), { signal: AbortSignal.timeout(2000) });
      return res.ok;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.abort.abort();
  }
}
