import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { readModelFiles } from './model-files.js';
import {
  FEATURES,
  type InputRanges,
  type ModelMetadata,
  type SetpointModel,
  WINDOW,
  type Window,
} from './setpoint-model.js';
import type { Tf } from './tfjs-runtime.js';

/** A TensorFlow.js layers model over flattened, normalised windows. */
export class TfjsSetpointModel implements SetpointModel {
  readonly id: string;
  readonly inputRanges: InputRanges | undefined;

  constructor(
    private readonly tf: Tf,
    private readonly model: LayersModel,
    readonly metadata: ModelMetadata,
    readonly backend: string,
  ) {
    this.id = `${metadata.name}@${metadata.version}`;
    this.inputRanges = metadata.card?.inputRanges;
  }

  async predict(windows: Window[]): Promise<number[]> {
    if (windows.length === 0) return [];
    const { mean, std } = this.metadata;
    const width = FEATURES.length;
    const flat = new Float32Array(windows.length * WINDOW * width);
    windows.forEach((w, i) => {
      w.forEach((row, r) => {
        row.forEach((v, c) => {
          flat[(i * WINDOW + r) * width + c] = (v - (mean[c] ?? 0)) / (std[c] || 1);
        });
      });
    });
    const input = this.tf.tensor2d(flat, [windows.length, WINDOW * width]);
    const output = this.model.predict(input) as import('@tensorflow/tfjs-core').Tensor;
    const values = Array.from(await output.data());
    input.dispose();
    output.dispose();
    return values;
  }
}

/** Loads model.json (+ its weight files, + `userDefinedMetadata.hvacEdge`) from a directory. */
export async function loadTfjsSetpointModel(tf: Tf, dir: string, backend: string): Promise<TfjsSetpointModel> {
  const { json, weightSpecs, weightData } = await readModelFiles(dir);
  const metadata = json.userDefinedMetadata?.hvacEdge as ModelMetadata | undefined;
  if (!metadata) throw new Error(`${dir}/model.json has no userDefinedMetadata.hvacEdge (features, normalisation)`);
  if (metadata.features.join(',') !== FEATURES.join(',') || metadata.window !== WINDOW) {
    throw new Error(
      `model features ${metadata.features.join(',')} x ${metadata.window} do not match ${FEATURES.join(',')} x ${WINDOW}`,
    );
  }
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology as object, weightSpecs: weightSpecs as never, weightData }),
  );
  return new TfjsSetpointModel(tf, model, metadata, backend);
}

/** Writes a layers model and its metadata in the directory layout `loadTfjsSetpointModel` reads. */
export async function saveTfjsSetpointModel(
  tf: Tf,
  model: LayersModel,
  dir: string,
  metadata: ModelMetadata,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = Buffer.from(artifacts.weightData as ArrayBuffer);
      await writeFile(join(dir, 'weights.bin'), weights);
      const json = {
        format: 'layers-model',
        generatedBy: 'hvac-edge',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        userDefinedMetadata: { hvacEdge: metadata },
      };
      await writeFile(join(dir, 'model.json'), JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}
