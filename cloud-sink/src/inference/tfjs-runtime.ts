import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** What the sink uses of TensorFlow.js: the core (tensors, training, io) and the layers API. */
export type Tf = typeof import('@tensorflow/tfjs-core') & typeof import('@tensorflow/tfjs-layers');

/**
 * TensorFlow.js for this process: @tensorflow/tfjs-node when its native binding is installed (the container image),
 * otherwise TensorFlow.js (core and layers) on the wasm backend. The choice is returned so it can be logged and
 * exported.
 */
export async function loadTf(): Promise<{ tf: Tf; backend: string }> {
  try {
    const tf = (await import('@tensorflow/tfjs-node')) as unknown as Tf;
    return { tf, backend: 'tensorflow' };
  } catch {
    // The core and the layers API only, not the @tensorflow/tfjs bundle: it also loads the WebGL and CPU backends,
    // the graph-model converter and tf.data, unused here (about 12 MB of memory in a gateway).
    const [core, layers, wasm] = await Promise.all([
      import('@tensorflow/tfjs-core'),
      import('@tensorflow/tfjs-layers'),
      import('@tensorflow/tfjs-backend-wasm'),
    ]);
    const tf = { ...core, ...layers } as Tf;
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js wasm backend failed to start');
    await tf.ready();
    return { tf, backend: tf.getBackend() };
  }
}
