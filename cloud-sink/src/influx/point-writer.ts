import { HvacError, retry } from '@hvac-edge/shared';
import { InfluxDB, type Point, setLogger, type WriteApi } from '@influxdata/influxdb-client';
import type { Logger } from 'pino';

/** Port: writes a batch of points durably, or rejects (the caller keeps its offsets uncommitted). */
export interface PointWriter {
  write(points: Point[]): Promise<void>;
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

/**
 * InfluxDB v2 write API through @influxdata/influxdb-client, one write call per batch. The client's own retry
 * buffer is off: a batch is retried here with the shared backoff until it lands or the sink stops, so that "written"
 * means acknowledged by the server before any offset is committed.
 */
export class InfluxPointWriter implements PointWriter {
  private readonly influx: InfluxDB;
  private readonly abort = new AbortController();

  constructor(
    private readonly o: InfluxWriterOptions,
    private readonly log: Logger,
    private readonly onRetry: () => void = () => {},
  ) {
    this.influx = new InfluxDB({ url: o.url, token: o.token, timeout: o.timeoutMs });
    // The client logs every failed write to the console itself; failures are logged (once per outage) by the
    // retry below, so its own lines go to debug.
    setLogger({
      error: (message, err) => log.debug({ err }, message),
      warn: (message, err) => log.debug({ err }, message),
    });
  }

  private api(): WriteApi {
    return this.influx.getWriteApi(this.o.org, this.o.bucket, 'ns', {
      maxRetries: 0,
      batchSize: 1_000_000,
      flushInterval: 0,
    });
  }

  async write(points: Point[]): Promise<void> {
    if (points.length === 0) return;
    await retry(
      async () => {
        const api = this.api();
        api.writePoints(points);
        try {
          await api.close();
        } catch (err) {
          const status = (err as { statusCode?: number }).statusCode;
          // 4xx other than 429 will not get better by retrying (bad token, bad bucket): stop and say so.
          if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
            throw new HvacError(
              'INFLUX_REJECTED',
              `InfluxDB rejected the write (HTTP ${status}): ${(err as Error).message}`,
              {
                retriable: false,
                cause: err,
              },
            );
          }
          throw err;
        }
      },
      {
        forever: true,
        minDelayMs: this.o.retryMinDelayMs,
        maxDelayMs: this.o.retryMaxDelayMs,
        signal: this.abort.signal,
        onRetry: (err, attempt) => {
          this.onRetry();
          if (attempt === 1) this.log.warn({ err }, 'InfluxDB write failed; retrying with backoff');
        },
      },
    );
  }

  async ping(): Promise<boolean> {
    try {
      const res = await fetch(new URL('/health', this.o.url), { signal: AbortSignal.timeout(2000) });
      return res.ok;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.abort.abort();
  }
}
