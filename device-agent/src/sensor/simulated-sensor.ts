import type { ClimateReading, Sensor } from './sensor.js';

/** mulberry32: a small seeded PRNG, so a simulated run is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A server room without hardware: a daily load cycle around 24 °C, humidity moving against it, and DHT22-like
 * noise (±0.5 °C, ±2 %RH). Deterministic per seed. Until the HVAC model issue lands its room simulator, this stands in.
 */
export class SimulatedSensor implements Sensor {
  readonly kind = 'simulated';
  readonly simulated = true;
  private readonly random: () => number;

  constructor(
    seed: number,
    private readonly now: () => number = Date.now,
  ) {
    this.random = prng(seed);
  }

  async read(): Promise<ClimateReading> {
    const hour = (this.now() / 3_600_000) % 24;
    const daily = Math.sin(((hour - 9) / 24) * 2 * Math.PI);
    const noise = () => this.random() * 2 - 1;
    return {
      temperatureC: Math.round((24 + 2.5 * daily + 0.5 * noise()) * 10) / 10,
      humidityPct: Math.round((45 - 6 * daily + 2 * noise()) * 10) / 10,
    };
  }
}
