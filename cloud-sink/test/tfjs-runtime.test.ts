import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const RUNTIME = fileURLToPath(new URL('../src/inference/tfjs-runtime.ts', import.meta.url));

describe('loadTf', () => {
  // In a process of its own: the module cache is what is measured.
  it('without the native binding, loads TensorFlow.js core, layers and wasm only, not the @tensorflow/tfjs bundle', async () => {
    const script = `
      import { createRequire } from 'node:module';
      const { loadTf } = await import(${JSON.stringify(RUNTIME)});
      const { backend } = await loadTf();
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('@tensorflow'));
      console.log(JSON.stringify({ backend, loaded }));`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script],
      { timeout: 60_000 },
    );
    const { backend, loaded } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
      backend: string;
      loaded: string[];
    };
    const packages = new Set(loaded.map((p) => /@tensorflow\/(tfjs[\w-]*)\//.exec(p)?.[1]));
    if (backend === 'tensorflow') {
      // The container image, where tfjs-node's binding is built: nothing to check about the fallback.
      expect(packages).toContain('tfjs-node');
      return;
    }
    expect(backend).toBe('wasm');
    expect([...packages].sort()).toEqual(['tfjs-backend-wasm', 'tfjs-core', 'tfjs-layers']);
  });
});
