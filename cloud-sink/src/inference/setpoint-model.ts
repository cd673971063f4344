/** Model inputs, in order: one vector per reading, six readings per window (the source report's 6 × 5, plus set-point). */
export const FEATURES = [
  'temperature',
  'humidity',
  'ext_temperature',
  'ext_humidity',
  'weather_stat',
  'setpoint',
] as const;
export const WINDOW = 6;

export type Window = number[][]; // WINDOW rows × FEATURES columns, oldest first

/** What travels with a model: identity, feature order and normalisation (kept in model.json). */
export interface ModelMetadata {
  name: string;
  version: string;
  features: string[];
  window: number;
  mean: number[];
  std: number[];
  /** The model card: how it was trained and how it did (written by `pnpm train`). */
  card?: ModelCard;
}

export interface ModelCard {
  /** Spacing of the readings in a window the model was trained on (s); the sink samples windows at this spacing. */
  sampleSpacingSeconds: number;
  label: string;
  training: {
    source: string;
    description: string;
    /** Simulated days (simulator source). */
    days?: number;
    /** Simulated rooms: the default room, or a family of rooms (domain randomisation). Absent = default. */
    rooms?: 'default' | 'family';
    examples: number;
    sha256: string;
    seed: number;
    epochs: number;
  };
  metrics: Record<string, number>;
  /** What the model saw in training: the supervisor's out-of-distribution check. */
  inputRanges?: InputRanges;
  evaluation?: Record<string, number | string>;
}

/** Per feature (in FEATURES order), the range of values the model was trained on. */
export interface InputRanges {
  min: number[];
  max: number[];
}

/** Port: recommended set-points (°C) for a batch of windows. */
export interface SetpointModel {
  readonly id: string;
  readonly backend: string;
  /** Inputs outside these are out of distribution (the supervisor then falls back); undefined = not recorded. */
  readonly inputRanges?: InputRanges;
  predict(windows: Window[]): Promise<number[]>;
}
