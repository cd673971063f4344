import { gaussian, mulberry32, type Random } from './random.js';

/** DHT22/AM2302-like measurement errors. All zero = a perfect sensor. */
export interface SensorNoise {
  /** Standard deviation of temperature noise (°C); the datasheet's ±0.5 °C is about 2 sigma. */
  temperatureSdC: number;
  humiditySdPct: number;
  /** Probability that a read fails (checksum error, timeout). */
  dropoutRate: number;
  /** Probability of a wild value that passes the checksum. */
  spikeRate: number;
}

export const DHT22_NOISE: SensorNoise = {
  temperatureSdC: 0.25,
  humiditySdPct: 1,
  dropoutRate: 0.003,
  spikeRate: 0.0005,
};
export const NO_NOISE: SensorNoise = { temperatureSdC: 0, humiditySdPct: 0, dropoutRate: 0, spikeRate: 0 };

export interface SensorSample {
  temperatureC: number;
  humidityPct: number;
}

/** Turns true room values into what a DHT22 would report (0.1 resolution); undefined = the read failed. */
export class NoisySensorModel {
  private readonly random: Random;

  constructor(
    seed: number,
    private readonly noise: SensorNoise = DHT22_NOISE,
  ) {
    this.random = mulberry32(seed);
  }

  sample(trueC: number, trueRhPct: number): SensorSample | undefined {
    const n = this.noise;
    if (n.dropoutRate > 0 && this.random() < n.dropoutRate) return undefined;
    let t = trueC + n.temperatureSdC * gaussian(this.random);
    const h = trueRhPct + n.humiditySdPct * gaussian(this.random);
    if (n.spikeRate > 0 && this.random() < n.spikeRate) t += (this.random() < 0.5 ? -1 : 1) * (10 + 20 * this.random());
    return {
      temperatureC: Math.round(t * 10) / 10,
      humidityPct: Math.round(Math.min(100, Math.max(0, h)) * 10) / 10,
    };
  }
}
