import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** What the sink uses of TensorFlow.js: the core (tensors, training, io) and the layers API. */
export type Tf = typeof import('@tensorflow/tfjs-core') & typeof import('@tensorflow/tfjs-layers');

/**
 * TensorFlow.js for this process: @tensorflow/tfjs-node when its native binding is installed (the container image),
 * otherwise TensorFlow.js (core and layers) on the wasm backend. The choice is returned so it can be logged and
 * exported.
 */
export async function loadTf(): Promise<{ tf: Tf; backend: string }> {
  const require = createRequire(import.meta.url);
  try {
    if (!tfjsNodeBindingInstalled(require)) throw new Error('no native binding');
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
    wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js wasm backend failed to start');
    await tf.ready();
    return { tf, backend: tf.getBackend() };
  }
}

/**
 * Whether @tensorflow/tfjs-node's native binding is on disk, where its package.json says node-pre-gyp puts it. Asked
 * first because importing the package loads the whole @tensorflow/tfjs bundle (WebGL and CPU backends, converter,
 * tf.data: 7 MB of source text alone in a gateway's heap) before it finds the binding missing, and none of it is
 * unloaded.
 */
function tfjsNodeBindingInstalled(require: NodeRequire): boolean {
  let manifest: string;
  try {
    manifest = require.resolve('@tensorflow/tfjs-node/package.json');
  } catch {
    return false;
  }
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as {
    binary?: { module_name?: string; module_path?: string; napi_versions?: number[] };
  };
  const { module_name: name = 'tfjs_binding', module_path: path, napi_versions: versions = [] } = pkg.binary ?? {};
  if (!path) return true; // a layout this check does not know: let the import decide
  return versions.some((v) =>
    existsSync(join(dirname(manifest), path.replace('{napi_build_version}', String(v)), `${name}.node`)),
  );
}
