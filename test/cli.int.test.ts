import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  makeTempDir,
  type ProgramRun,
  promtoolCheckMetrics,
  SERVICE_MAINS,
  spawnCollecting,
  waitFor,
} from './support/index.js';

const MODEL_CLI = fileURLToPath(new URL('../cloud-sink/src/model/cli.ts', import.meta.url));
const PROGRAMS = {
  gateway: SERVICE_MAINS.gateway,
  sink: SERVICE_MAINS.sink,
  agent: SERVICE_MAINS.agent,
  model: MODEL_CLI,
};

type Run = ProgramRun;

const running = new Set<ChildProcess>();

/** Starts a program as an operator would; `stop()` sends SIGTERM; `result` resolves when it has exited. */
function start(program: keyof typeof PROGRAMS, args: string[], env: Record<string, string> = {}) {
  const p = spawnCollecting(process.execPath, ['--conditions=source', '--import', 'tsx', PROGRAMS[program], ...args], {
    env: { ...process.env, ...env },
  });
  running.add(p.proc);
  void p.result.then(() => running.delete(p.proc));
  return { result: p.result, output: p.output, stop: () => p.proc.kill('SIGTERM') };
}

/** Runs a program to its end. */
const run = (program: keyof typeof PROGRAMS, args: string[], env: Record<string, string> = {}) =>
  start(program, args, env).result;

/** An expected failure: exactly one line on stderr, no stack. */
function oneLine(r: Run): string {
  const lines = r.err.trim().split('\n');
  expect(lines, r.err).toHaveLength(1);
  expect(r.err).not.toMatch(/\n\s+at /);
  return lines[0] as string;
}

describe('the executables, as an operator meets them', () => {
  let dir: string;
  let held: Server;
  let heldPort: number;
  beforeAll(async () => {
    dir = await makeTempDir('cli');
    held = createServer();
    heldPort = await new Promise<number>((r) =>
      held.listen(0, '127.0.0.1', () => r((held.address() as { port: number }).port)),
    );
  });
  afterAll(async () => {
    // A test that failed half way must not leave a service running.
    for (const p of running) p.kill('SIGKILL');
    held.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(Object.keys(PROGRAMS) as Array<keyof typeof PROGRAMS>)(
    '%s answers --help and --version without side effects (its port, held by another, stays untouched)',
    async (program) => {
      const env = {
        GATEWAY_HTTP_PORT: String(heldPort),
        SINK_HTTP_PORT: String(heldPort),
        GATEWAY_HTTP_HOST: '127.0.0.1',
      };
      const help = await run(program, ['--help'], env);
      expect(help.code, help.err).toBe(0);
      expect(help.out).toMatch(/^usage:/);
      expect(help.out).toMatch(/Exit codes: 0/);
      const version = await run(program, ['--version'], env);
      expect(version.code).toBe(0);
      expect(version.out.trim()).toMatch(/^hvac-(gateway|sink|agent|model) \d+\.\d+\.\d+$/);
      const bad = await run(program, ['--frobnicate'], env);
      expect(bad.code).toBe(2);
      expect(oneLine(bad)).toMatch(/Unknown option '--frobnicate'.*see hvac-\w+ --help/);
    },
  );

  it('a port in use: one line naming the port, exit 3', async () => {
    const r = await run('gateway', [], {
      GATEWAY_HTTP_HOST: '127.0.0.1',
      GATEWAY_HTTP_PORT: String(heldPort),
      GATEWAY_STORE_PATH: `${dir}/gw.db`,
      GATEWAY_LOG_LEVEL: 'silent',
    });
    expect(r.code).toBe(3);
    expect(oneLine(r)).toBe(
      `hvac-gateway: port ${heldPort} on 127.0.0.1 is already in use; stop what holds it or choose another port`,
    );
  });

  it('a missing model directory: one line naming it and the setting, exit 3 (sink and model CLI)', async () => {
    const sink = await run('sink', [], {
      SINK_INFERENCE_MODEL_DIR: `${dir}/no-model`,
      SINK_HTTP_HOST: '127.0.0.1',
      SINK_HTTP_PORT: String(await freePort()),
      SINK_LOG_LEVEL: 'silent',
    });
    expect(sink.code).toBe(3);
    expect(oneLine(sink)).toMatch(
      /no model at .*no-model \(model\.json missing\); set inference\.modelDir \(SINK_INFERENCE_MODEL_DIR\)/,
    );
    const evaluate = await run('model', ['evaluate', '--model', `${dir}/no-model`]);
    expect(evaluate.code).toBe(3);
    expect(oneLine(evaluate)).toMatch(/^hvac-model: no model at .*no-model/);
    const csv = await run('model', ['train', '--csv', `${dir}/missing.csv`]);
    expect(csv.code).toBe(3);
    expect(oneLine(csv)).toBe(`hvac-model: ${dir}/missing.csv does not exist`);
    const cmd = await run('model', ['fit']);
    expect(cmd.code).toBe(2);
    expect(oneLine(cmd)).toMatch(/expected "train" or "evaluate", got "fit"/);
  });

  it('a misspelled variable is reported with the nearest setting; a sink without Kafka waits and says so', {
    timeout: 90_000,
  }, async () => {
    const gw = start('gateway', [], {
      GATEWAY_HTTP_HOST: '127.0.0.1',
      GATEWAY_HTTP_PORT: String(await freePort()),
      GATEWAY_HTTP_PROT: '1234',
      GATEWAY_STORE_PATH: `${dir}/gw2.db`,
      GATEWAY_LOG_LEVEL: 'warn',
    });
    await waitFor(async () => gw.output().includes('did you mean'), 'the warning', 20_000);
    gw.stop();
    expect((await gw.result).out).toMatch(/GATEWAY_HTTP_PROT is not a setting; did you mean GATEWAY_HTTP_PORT\?/);

    const port = await freePort();
    const sink = start('sink', [], {
      SINK_KAFKA_BROKERS: '127.0.0.1:1',
      SINK_HTTP_HOST: '127.0.0.1',
      SINK_HTTP_PORT: String(port),
      SINK_INFERENCE_MODEL_DIR: '',
    });
    await waitFor(async () => sink.output().includes('waiting for Kafka'), 'the sink saying it waits', 30_000);
    // Meanwhile it serves its probes (not ready), and its default /metrics passes promtool as served.
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(promtoolCheckMetrics(metrics)).toEqual({ status: 0, output: '' });
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503);
    sink.stop();
    const r = await sink.result;
    expect(r.out).toMatch(/"brokers":\["127\.0\.0\.1:1"\].*waiting for Kafka/);
    expect(r.code).toBe(0);
  });

  it('training prints a line per epoch on stderr, its JSON last on stdout, and names the model by its data and options', {
    timeout: 120_000,
  }, async () => {
    const out = `${dir}/model`;
    const r = await run('model', ['train', '--days', '3', '--epochs', '3', '--out', out]);
    expect(r.code, r.err).toBe(0);
    const epochs = r.err.split('\n').filter((l) => l.startsWith('epoch'));
    expect(epochs).toHaveLength(3);
    expect(epochs[0]).toMatch(
      /^epoch +1\/3 {2}loss \d+\.\d{4} {2}validation MAE \d+\.\d{3} °C {2}elapsed \d+\.\d s {2}ETA \d+\.\d s$/,
    );
    const last = JSON.parse(r.out.trim().split('\n').at(-1) as string);
    expect(last).toMatchObject({ out });
    const meta = JSON.parse(readFileSync(`${out}/model.json`, 'utf8')).userDefinedMetadata.hvacEdge;
    expect(meta.version).toMatch(/^2\+[0-9a-f]{8}-s1-e3$/);
    expect(meta.card.training).toMatchObject({ source: 'simulator', rooms: 'family', days: 3 });
  });

  it('evaluate --suite prints a row per room variant and its summary JSON last; a bad --rooms is a usage error', {
    timeout: 120_000,
  }, async () => {
    const r = await run('model', ['evaluate', '--suite', '--days', '1', '--draw-from', '9']);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/variant +kWh +vs fixed 18/);
    expect(lines.filter((l) => /^ *(heavy-load-small-unit|drawn-\d+) /.test(l))).toHaveLength(9);
    const last = JSON.parse(lines.at(-1) as string);
    expect(last).toMatchObject({ variants: 12, days: 1, drawFrom: 9 });
    expect(last.rows.at(-1).variant).toBe('drawn-16');
    for (const k of ['worstMinutesAbove27Pct', 'medianSavingVsFixed18Pct', 'medianVsOraclePct']) {
      expect(typeof last[k]).toBe('number');
    }
    expect(last.rows).toHaveLength(12);
    const bad = await run('model', ['train', '--rooms', 'mars']);
    expect(bad.code).toBe(2);
    expect(bad.err.trim()).toBe('hvac-model: --rooms must be "default" or "family", got "mars"');
  });

  it("the gateway's default /metrics passes promtool check metrics as served", async () => {
    const port = await freePort();
    const gw = start('gateway', [], {
      GATEWAY_HTTP_HOST: '127.0.0.1',
      GATEWAY_HTTP_PORT: String(port),
      GATEWAY_STORE_PATH: `${dir}/gw3.db`,
    });
    let text = '';
    await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
        if (res?.ok) text = await res.text();
        return text !== '';
      },
      'gateway /metrics',
      20_000,
    );
    gw.stop();
    expect(text).toMatch(/^hvac_gateway_process_cpu_seconds_total/m);
    expect(promtoolCheckMetrics(text)).toEqual({ status: 0, output: '' });
    expect((await gw.result).code).toBe(0);
  });
});
