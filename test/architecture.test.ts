import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCircular, parseDependencyTree } from 'dpdm';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['shared', 'gateway', 'cloud-sink', 'device-agent'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.(ts|js)$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}
const SOURCES = PACKAGES.flatMap((p) => sourceFiles(join(ROOT, p, 'src')));

async function dependencyTree(entries: string[], transform: boolean) {
  return parseDependencyTree(entries, {
    context: ROOT,
    tsconfig: join(ROOT, 'tsconfig.base.json'),
    // Type-only imports count too (transform off), unless a test asks for the runtime graph alone.
    transform,
    exclude: /node_modules/,
  });
}

describe('architecture', () => {
  it('has no import cycles anywhere in the packages, type-only imports included (dpdm)', async () => {
    expect(SOURCES.length).toBeGreaterThan(100);
    const cycles = parseCircular(await dependencyTree(SOURCES, false));
    expect(cycles.map((c) => c.map((f) => relative(ROOT, f)).join(' -> '))).toEqual([]);
  });

  it('the cycle check finds a cycle where there is one', async () => {
    const dir = join(ROOT, 'test', 'fixtures', 'cycle');
    const cycles = parseCircular(await dependencyTree([join(dir, 'a.ts')], false));
    expect(cycles).toHaveLength(1);
  });

  it('keeps source files small and the gateway wiring short', () => {
    const long = SOURCES.map((f) => ({ f: relative(ROOT, f), lines: readFileSync(f, 'utf8').split('\n').length }))
      .filter((x) => x.lines > 400)
      .map((x) => `${x.f}: ${x.lines} lines`);
    expect(long).toEqual([]);
    const app = readFileSync(join(ROOT, 'gateway/src/app.ts'), 'utf8').split('\n');
    const start = app.findIndex((l) => l.startsWith('export async function createGateway('));
    const end = app.findIndex((l, i) => i > start && l === '}');
    expect(start).toBeGreaterThan(0);
    expect(end - start + 1).toBeLessThanOrEqual(80);
  });

  it('loads the cloud sink (and TensorFlow.js) only through the embedded sink, dynamically', async () => {
    // The gateway's runtime graph (type imports erased, dynamic imports skipped) never reaches the sink package.
    const tree = await dependencyTree([join(ROOT, 'gateway/src/main.ts')], true);
    const reached = Object.values(tree).flatMap((deps) => (deps ?? []).map((d) => d.request));
    expect(reached.filter((r) => r.includes('cloud-sink') && !r.startsWith('.'))).toEqual([
      '@hvac-edge/cloud-sink/embedded',
    ]);
    const dynamic = Object.values(tree)
      .flatMap((deps) => deps ?? [])
      .filter((d) => d.request === '@hvac-edge/cloud-sink/embedded');
    expect(dynamic.map((d) => d.kind)).toEqual(['DynamicImport']);
  });

  it('the gateway image built without the embedded sink has no TensorFlow.js in its production dependencies', () => {
    const dockerfile = readFileSync(join(ROOT, 'deploy/docker/gateway.Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ARG EMBEDDED_SINK=false$/m);
    expect(dockerfile).toMatch(/pnpm deploy --filter @hvac-edge\/gateway --prod \$\{OPTIONAL\}/);
    // The same tree `pnpm deploy --prod --no-optional` installs, read from the lockfile.
    // The pnpm running this suite (`pnpm test`), or the project's pinned one.
    const execPath = process.env.npm_execpath ?? '';
    const pnpm = /pnpm/.test(execPath) ? [process.execPath, execPath] : ['npx', '-y', 'pnpm@10.34.9'];
    const list = (extra: string[]) => {
      const r = spawnSync(
        pnpm[0] as string,
        [
          ...pnpm.slice(1),
          '--filter',
          '@hvac-edge/gateway',
          'list',
          '--prod',
          '--depth',
          'Infinity',
          '--json',
          ...extra,
        ],
        { cwd: ROOT, encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    const lean = list(['--no-optional']);
    expect(lean).toContain('"fastify"');
    expect(lean).not.toMatch(/"@tensorflow\//);
    expect(lean).not.toContain('"@hvac-edge/cloud-sink"');
    // With the optional embedded sink, TensorFlow.js comes along: the check above can fail.
    expect(list([])).toMatch(/"@tensorflow\/tfjs"/);
  });
});
