import { createRequire } from 'node:module';
import { HvacError, retry } from '@hvac-edge/shared';
import type { ClimateReading, Sensor } from './sensor.js';

const require = createRequire(import.meta.url);

interface DhtPromises {
  read(type: number, pin: number): Promise<{ temperature: number; humidity: number }>;
}

/**
 * DHT22/AM2302 through node-dht-sensor. The sensor needs 2 s between reads and fails checksums now and then, so a
 * read is retried a few times with a short backoff.
 */
export class DhtSensor implements Sensor {
  readonly simulated = false;
  private readonly lib: DhtPromises;

  constructor(
    readonly kind: 'dht22' | 'am2302',
    private readonly pin: number,
    private readonly retries: number,
  ) {
    this.lib = (require('node-dht-sensor') as { promises: DhtPromises }).promises;
  }

  read(): Promise<ClimateReading> {
    return retry(
      async () => {
        try {
          const r = await this.lib.read(22, this.pin);
          return { temperatureC: r.temperature, humidityPct: r.humidity };
        } catch (err) {
          throw new HvacError('SENSOR_READ_FAILED', `DHT22 on GPIO ${this.pin}: ${(err as Error).message}`, {
            retriable: true,
            cause: err,
          });
        }
      },
      { retries: this.retries, minDelayMs: 2100, maxDelayMs: 4000 },
    );
  }
}
