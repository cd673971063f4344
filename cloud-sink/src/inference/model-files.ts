import { readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';

/** Bounds on a model directory's files: a model.json is data from wherever the model came from. */
export const MODEL_FILE_LIMITS = { modelJsonBytes: 8 << 20, weightFiles: 64, weightBytes: 128 << 20 } as const;

export interface ModelFiles {
  json: {
    modelTopology: unknown;
    weightsManifest: Array<{ paths: string[]; weights: unknown[] }>;
    userDefinedMetadata?: Record<string, unknown>;
  };
  weightSpecs: unknown[];
  weightData: ArrayBuffer;
}

/**
 * A weight file named by model.json, as a path inside `dir`: a relative name that stays in the directory, and no
 * symbolic link out of it. Anything else (`../x`, `/etc/passwd`, a link to elsewhere) is refused by name.
 */
async function weightFile(dir: string, realDir: string, name: unknown): Promise<string> {
  if (typeof name !== 'string' || name === '' || isAbsolute(name) || name.includes('\0')) {
    throw new Error(`model.json names a weight file ${JSON.stringify(name)}; only file names inside ${dir} are read`);
  }
  const path = resolve(dir, name);
  const rel = relative(realDir, await realpath(path).catch(() => path));
  if (relative(resolve(dir), path).startsWith('..') || rel.startsWith('..') || isAbsolute(rel)) {
    throw new Error(`model.json names a weight file ${JSON.stringify(name)} outside the model directory ${dir}`);
  }
  if (!(await stat(path)).isFile()) throw new Error(`${path} is not a file`);
  return path;
}

/** Reads model.json and its weight files from `dir`, confined to it and within MODEL_FILE_LIMITS. */
export async function readModelFiles(dir: string): Promise<ModelFiles> {
  const jsonPath = join(dir, 'model.json');
  const size = (await stat(jsonPath)).size;
  if (size > MODEL_FILE_LIMITS.modelJsonBytes) {
    throw new Error(`${jsonPath} is ${size} bytes; the limit is ${MODEL_FILE_LIMITS.modelJsonBytes}`);
  }
  const json = JSON.parse(await readFile(jsonPath, 'utf8')) as ModelFiles['json'];
  if (!Array.isArray(json.weightsManifest)) throw new Error(`${jsonPath} has no weightsManifest`);
  const names = json.weightsManifest.flatMap((g) => (Array.isArray(g.paths) ? g.paths : [g.paths]));
  if (names.length > MODEL_FILE_LIMITS.weightFiles) {
    throw new Error(`${jsonPath} names ${names.length} weight files; the limit is ${MODEL_FILE_LIMITS.weightFiles}`);
  }
  const realDir = await realpath(dir);
  const paths = await Promise.all(names.map((n) => weightFile(dir, realDir, n)));
  let total = 0;
  for (const p of paths) total += (await stat(p)).size;
  if (total > MODEL_FILE_LIMITS.weightBytes) {
    throw new Error(`the weight files of ${dir} hold ${total} bytes; the limit is ${MODEL_FILE_LIMITS.weightBytes}`);
  }
  const all = Buffer.concat(await Promise.all(paths.map((p) => readFile(p))));
  return {
    json,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer,
  };
}
