import { createRequire } from 'node:module';
import { dirname } from 'node:path';

export type Tf = typeof import('@tensorflow/tfjs');

/**
 * TensorFlow.js for this process: @tensorflow/tfjs-node when its native binding is installed (the container image),
 * otherwise @tensorflow/tfjs on the wasm backend. The choice is returned so it can be logged and exported.
 */
export async function loadTf(): Promise<{ tf: Tf; backend: string }> {
  try {
    const tf = (await import('@tensorflow/tfjs-node')) as unknown as Tf;
    return { tf, backend: 'tensorflow' };
  } catch {
    const tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    await tf.setBackend('wasm');
    await tf.ready();
    return { tf, backend: tf.getBackend() };
  }
}
