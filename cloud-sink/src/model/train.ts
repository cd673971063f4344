import { mulberry32 } from '@hvac-edge/shared/sim';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { FEATURES, type ModelMetadata, WINDOW } from '../inference/setpoint-model.js';
import type { Tf } from '../inference/tfjs-runtime.js';
import { type Dataset, WIDTH } from './dataset.js';

export interface TrainOptions {
  seed: number;
  epochs: number;
  batchSize: number;
  hidden: number[];
  learningRate: number;
}

export const DEFAULT_TRAIN: TrainOptions = {
  seed: 42,
  epochs: 40,
  batchSize: 256,
  hidden: [32, 32],
  learningRate: 0.003,
};

/** Per-feature mean and standard deviation over every reading of every window. */
export function normalisation(d: Dataset): { mean: number[]; std: number[] } {
  const k = FEATURES.length;
  const sum = new Array<number>(k).fill(0);
  const sq = new Array<number>(k).fill(0);
  const n = d.size * WINDOW;
  for (let i = 0; i < d.x.length; i++) {
    const v = d.x[i] as number;
    sum[i % k] = (sum[i % k] as number) + v;
    sq[i % k] = (sq[i % k] as number) + v * v;
  }
  const mean = sum.map((s) => s / n);
  const std = sq.map((s, c) => Math.sqrt(Math.max(0, s / n - (mean[c] as number) ** 2)) || 1);
  return { mean, std };
}

function normalised(d: Dataset, mean: number[], std: number[], order?: Uint32Array): Float32Array {
  const k = FEATURES.length;
  const out = new Float32Array(d.size * WIDTH);
  for (let r = 0; r < d.size; r++) {
    const src = (order ? (order[r] as number) : r) * WIDTH;
    for (let j = 0; j < WIDTH; j++) {
      out[r * WIDTH + j] = ((d.x[src + j] as number) - (mean[j % k] as number)) / (std[j % k] as number);
    }
  }
  return out;
}

function shuffled(n: number, random: () => number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i] as number;
    a[i] = a[j] as number;
    a[j] = t;
  }
  return a;
}

export async function predictAll(tf: Tf, model: LayersModel, d: Dataset, mean: number[], std: number[]) {
  const x = tf.tensor2d(normalised(d, mean, std), [d.size, WIDTH]);
  const y = model.predict(x) as import('@tensorflow/tfjs-core').Tensor;
  const out = Float32Array.from(await y.data());
  x.dispose();
  y.dispose();
  return out;
}

export function mae(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < labels.length; i++) s += Math.abs((predicted[i] as number) - (labels[i] as number));
  return s / Math.max(1, labels.length);
}

export interface TrainResult {
  model: LayersModel;
  mean: number[];
  std: number[];
  bestEpoch: number;
  validationMae: number;
}

/**
 * Fits an MLP (flattened normalised window -> set-point) with seeded initialisers and a seeded shuffle per epoch,
 * keeping the weights of the epoch with the lowest validation MAE. The target is standardised for training and the
 * scale folded back into the output layer afterwards, so the saved model outputs °C and needs no output metadata.
 */
/** One epoch done: its training loss (standardised MSE), validation MAE (°C), time so far and to go. */
export interface EpochProgress {
  epoch: number;
  epochs: number;
  loss: number;
  validationMaeC: number;
  elapsedMs: number;
  etaMs: number;
}

export async function trainSetpointModel(
  tf: Tf,
  train: Dataset,
  validation: Dataset,
  options: Partial<TrainOptions> = {},
  onEpoch: (p: EpochProgress) => void = () => {},
): Promise<TrainResult> {
  const o = { ...DEFAULT_TRAIN, ...options };
  const { mean, std } = normalisation(train);
  const yMean = train.y.reduce((a, b) => a + b, 0) / train.size;
  const ySd = Math.sqrt(train.y.reduce((a, b) => a + (b - yMean) ** 2, 0) / train.size) || 1;
  let seed = o.seed;
  const model = tf.sequential();
  o.hidden.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: 'relu',
        kernelInitializer: tf.initializers.heNormal({ seed: seed++ }),
        ...(i === 0 ? { inputShape: [WIDTH] } : {}),
      }),
    );
  });
  model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }) }));
  model.compile({ optimizer: tf.train.adam(o.learningRate), loss: 'meanSquaredError' });

  const random = mulberry32(o.seed);
  const yNorm = Float32Array.from(train.y, (v) => (v - yMean) / ySd);
  let best = { epoch: -1, mae: Number.POSITIVE_INFINITY, weights: [] as import('@tensorflow/tfjs-core').Tensor[] };
  const t0 = performance.now();
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const order = shuffled(train.size, random);
    const x = tf.tensor2d(normalised(train, mean, std, order), [train.size, WIDTH]);
    const y = tf.tensor2d(
      Float32Array.from(order, (i) => yNorm[i] as number),
      [train.size, 1],
    );
    const history = await model.fit(x, y, { epochs: 1, batchSize: o.batchSize, shuffle: false, verbose: 0 });
    x.dispose();
    y.dispose();
    const predicted = await predictAll(tf, model, validation, mean, std);
    const m = mae(
      predicted.map((v) => v * ySd + yMean),
      validation.y,
    );
    if (m < best.mae) {
      for (const w of best.weights) w.dispose();
      best = { epoch, mae: m, weights: model.getWeights().map((w) => w.clone()) };
    }
    const elapsedMs = performance.now() - t0;
    onEpoch({
      epoch: epoch + 1,
      epochs: o.epochs,
      loss: Number(history.history.loss?.[0] ?? Number.NaN),
      validationMaeC: m,
      elapsedMs,
      etaMs: (elapsedMs / (epoch + 1)) * (o.epochs - epoch - 1),
    });
  }
  model.setWeights(best.weights);
  for (const w of best.weights) w.dispose();
  foldOutputScale(tf, model, yMean, ySd);
  return { model, mean, std, bestEpoch: best.epoch, validationMae: best.mae };
}

function foldOutputScale(tf: Tf, model: LayersModel, yMean: number, ySd: number): void {
  const last = model.layers.at(-1);
  if (!last) return;
  const [kernel, bias] = last.getWeights() as [
    import('@tensorflow/tfjs-core').Tensor,
    import('@tensorflow/tfjs-core').Tensor,
  ];
  const scaled = [tf.mul(kernel, ySd), tf.add(tf.mul(bias, ySd), yMean)];
  last.setWeights(scaled);
  for (const t of scaled) t.dispose();
}

export function modelMetadata(
  name: string,
  version: string,
  mean: number[],
  std: number[],
  card: ModelMetadata['card'],
): ModelMetadata {
  return { name, version, features: [...FEATURES], window: WINDOW, mean, std, card };
}
