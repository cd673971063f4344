import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempDir } from '@hvac-edge/test/support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readModelFiles } from '../src/inference/model-files.js';

/** model.json is data from wherever a model came from: its weight paths stay inside the model directory. */
describe('reading a model directory', () => {
  let root: string;
  let dir: string;
  beforeEach(async () => {
    root = await makeTempDir('model-files');
    dir = join(root, 'model');
    await mkdir(dir);
    await writeFile(join(root, 'secret.bin'), 'not a weight');
    await writeFile(join(dir, 'w.bin'), Buffer.alloc(8));
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  const manifest = (paths: unknown[]) =>
    writeFile(
      join(dir, 'model.json'),
      JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths, weights: [] }] }),
    );

  it('reads weight files named inside the directory', async () => {
    await manifest(['w.bin', './w.bin']);
    expect((await readModelFiles(dir)).weightData.byteLength).toBe(16);
  });

  it.each([['../secret.bin'], ['<absolute>/secret.bin'], ['sub/../../secret.bin'], [''], [42]])(
    'refuses the weight path %j, naming it',
    async (path) => {
      await manifest([typeof path === 'string' ? path.replace('<absolute>', root) : path]);
      await expect(readModelFiles(dir)).rejects.toThrow(
        /model\.json names a weight file .*(outside|only file names inside)/,
      );
    },
  );

  it('refuses a symbolic link that leads out of the directory', async () => {
    await symlink(join(root, 'secret.bin'), join(dir, 'link.bin'));
    await manifest(['link.bin']);
    await expect(readModelFiles(dir)).rejects.toThrow(/outside the model directory/);
  });

  it('refuses a manifest naming more weight files than the limit', async () => {
    await manifest(Array(65).fill('w.bin'));
    await expect(readModelFiles(dir)).rejects.toThrow(/names 65 weight files; the limit is 64/);
  });
});
