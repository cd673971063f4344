import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { climatePoint, Recommender, SinkMetrics } from '@hvac-edge/cloud-sink';
import { GatewayMetrics } from '@hvac-edge/gateway';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeEnrichedEvent, type NodeExporterServer, startNodeExporter } from './support/index.js';

const DEPLOY = fileURLToPath(new URL('../deploy/', import.meta.url));
const DASHBOARDS = join(DEPLOY, 'grafana/dashboards');
const datasources = parse(readFileSync(join(DEPLOY, 'grafana/provisioning/datasources/hvac-edge.yaml'), 'utf8')) as {
  datasources: Array<{ uid: string; type: string }>;
};
const dashboards = readdirSync(DASHBOARDS).map((f) => ({
  file: f,
  json: JSON.parse(readFileSync(join(DASHBOARDS, f), 'utf8')) as {
    uid: string;
    title: string;
    schemaVersion: number;
    panels: Array<{ title: string; datasource: { uid: string }; targets: Array<{ query?: string; expr?: string }> }>;
    templating: { list: Array<{ datasource: { uid: string }; query: string }> };
  },
}));

/** The fields the sink writes, per measurement: from its own point builders, not from a list kept for this test. */
async function writtenFields(): Promise<Map<string, Set<string>>> {
  const at = (i: number) => 1_795_421_981_781_000_000n + BigInt(i) * 60_000_000_000n;
  const event = (i: number) =>
    makeEnrichedEvent({
      origin: at(i),
      sequence: i,
      readings: { temperature: '22.5', humidity: '22.5', setpoint: '22.5' },
      location: 'hall',
    });
  const events = Array.from({ length: 6 }, (_, i) => event(i));
  const model = { id: 'stub', backend: 'none', predict: async (w: unknown[]) => w.map(() => 24) };
  const recommender = new Recommender(model, {
    minSetpointC: 18,
    maxSetpointC: 27,
    defaultSetpointC: 24,
    sampleSpacingSeconds: 0,
    upperLimitC: 27,
    guardBandC: 0.5,
    calibrate: false,
  });
  const { points } = await recommender.recommend(events);
  const out = new Map<string, Set<string>>();
  for (const p of [...events.map((e) => climatePoint(e)), ...points]) {
    if (!p) continue;
    const set = out.get(p.measurement) ?? new Set<string>();
    for (const f of Object.keys(p.fields)) set.add(f);
    out.set(p.measurement, set);
  }
  return out;
}

async function metricNames(registry: { getMetricsAsJSON(): Promise<Array<{ name: string; type: unknown }>> }) {
  const names = new Set<string>();
  for (const m of await registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(`${m.name}${s}`);
  }
  return names;
}

let nodeExporter: NodeExporterServer;
beforeAll(async () => {
  nodeExporter = await startNodeExporter();
});
afterAll(() => nodeExporter?.stop());

describe('Grafana dashboards (deploy/grafana)', () => {
  it('are dashboards with unique uids whose panels use only the provisioned data sources', () => {
    const uids = new Set(datasources.datasources.map((d) => d.uid));
    expect(dashboards.map((d) => d.file).sort()).toEqual(['climate.json', 'hosts.json', 'pipeline.json']);
    expect(new Set(dashboards.map((d) => d.json.uid)).size).toBe(dashboards.length);
    for (const { json } of dashboards) {
      expect(json.title).toMatch(/^hvac-edge: /);
      expect(json.schemaVersion).toBeGreaterThanOrEqual(36);
      expect(json.panels.length).toBeGreaterThan(0);
      for (const p of json.panels) {
        expect(uids, p.title).toContain(p.datasource.uid);
        expect(p.targets.length, p.title).toBeGreaterThan(0);
      }
      for (const v of json.templating.list) expect(uids).toContain(v.datasource.uid);
    }
  });

  it('query only measurements and fields the sink writes (Flux), and tags it sets', async () => {
    const fields = await writtenFields();
    let checked = 0;
    for (const { json } of dashboards) {
      for (const p of json.panels.filter((x) => x.datasource.uid === 'hvac-influxdb')) {
        for (const t of p.targets) {
          const query = t.query ?? '';
          const measurement = /r\._measurement == "([^"]+)"/.exec(query)?.[1];
          expect(measurement, `${p.title}: names a measurement`).toBeDefined();
          const named = [...query.matchAll(/r\._field == "([^"]+)"/g)].map((m) => m[1] as string);
          expect(named.length, `${p.title}: names a field`).toBeGreaterThan(0);
          for (const f of named) expect(fields.get(measurement as string), `${measurement}.${f}`).toContain(f);
          expect(query).toMatch(/r\.device =~/);
          checked += named.length;
        }
      }
      for (const v of json.templating.list) expect(v.query).toMatch(/tag: "device"/);
    }
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it('query only metrics the gateway, the sink and node_exporter expose (Prometheus)', async () => {
    const known = new Set([
      ...(await metricNames(new GatewayMetrics().registry)),
      ...(await metricNames(new SinkMetrics().registry)),
    ]);
    const nodeText = await nodeExporter.scrape();
    for (const m of nodeText.matchAll(/^(node_[A-Za-z0-9_]+)[{ ]/gm)) known.add(m[1] as string);
    let checked = 0;
    for (const { json } of dashboards) {
      for (const p of json.panels.filter((x) => x.datasource.uid === 'hvac-prometheus')) {
        for (const t of p.targets) {
          const names = [...(t.expr ?? '').matchAll(/\b((?:hvac|node)_[A-Za-z0-9_]+)/g)].map((m) => m[1] as string);
          expect(names.length, p.title).toBeGreaterThan(0);
          for (const n of names) expect(known, `${p.title}: ${n}`).toContain(n);
          checked += names.length;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it('are wired into compose (cloud profile) and a Kubernetes ConfigMap kustomization', () => {
    const compose = parse(readFileSync(join(DEPLOY, 'compose/compose.yaml'), 'utf8')) as {
      services: Record<string, { profiles?: string[]; volumes?: string[] }>;
    };
    const grafana = compose.services.grafana;
    expect(grafana?.profiles).toEqual(['cloud']);
    for (const v of grafana?.volumes ?? []) {
      expect(existsSync(resolve(join(DEPLOY, 'compose'), v.split(':')[0] as string)), v).toBe(true);
    }
    const kustomization = parse(readFileSync(join(DEPLOY, 'k8s/grafana/kustomization.yaml'), 'utf8')) as {
      configMapGenerator: Array<{ files: string[]; options: { labels: Record<string, string> } }>;
    };
    const files = kustomization.configMapGenerator.flatMap((g) => g.files);
    for (const f of files) expect(existsSync(resolve(join(DEPLOY, 'k8s/grafana'), f)), f).toBe(true);
    expect(
      files
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.split('/').pop())
        .sort(),
    ).toEqual(dashboards.map((d) => d.file).sort());
    expect(dirname(files[0] as string)).toBe('../../grafana/dashboards');
  });
});
