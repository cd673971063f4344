import { InfluxDB } from '@influxdata/influxdb-client';
import { startVictoriaMetrics } from './victoria-metrics.js';

export interface SeriesSamples {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

/** The TSDB the sink tests write to and read back from. */
export interface TsdbUnderTest {
  kind: 'victoria-metrics' | 'influxdb';
  url: string;
  /** Sink config overrides that point it here (url, token, org, bucket). */
  sinkConfig: Record<string, string>;
  /** The same as SINK_INFLUX_* environment variables, for sink processes. */
  sinkEnv: Record<string, string>;
  /** Samples per series, selected VictoriaMetrics-style: `climate_temperature{gateway="gw-1"}`. */
  exportSeries(match: string): Promise<SeriesSamples[]>;
  stop(): Promise<void>;
}

const MEASUREMENTS = ['hvac_recommendation', 'climate'];

/** `climate_temperature{gateway="gw"}` -> measurement, field and tag filters. */
export function parseSelector(match: string): { measurement: string; field: string; tags: Record<string, string> } {
  const m = /^([a-z_]+)(?:\{(.*)\})?$/.exec(match);
  if (!m) throw new Error(`unsupported selector ${match}`);
  const name = m[1] as string;
  const measurement = MEASUREMENTS.find((x) => name.startsWith(`${x}_`));
  if (!measurement) throw new Error(`no known measurement in ${name}`);
  const tags = Object.fromEntries(
    [...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((t) => [t[1] as string, t[2] as string]),
  );
  return { measurement, field: name.slice(measurement.length + 1), tags };
}

const flux = (s: string) => JSON.stringify(s);

/**
 * A real InfluxDB 2 (INFLUX_URL, INFLUX_TOKEN, INFLUX_ORG): each call gets a bucket of its own, read back with Flux
 * into the shape VictoriaMetrics' export API gives, so the same assertions run against both.
 */
async function influxForTests(url: string, token: string, org: string): Promise<TsdbUnderTest> {
  const headers = { authorization: `Token ${token}`, 'content-type': 'application/json' };
  const orgs = (await (await fetch(`${url}/api/v2/orgs?org=${encodeURIComponent(org)}`, { headers })).json()) as {
    orgs?: Array<{ id: string }>;
  };
  const orgID = orgs.orgs?.[0]?.id;
  if (!orgID) throw new Error(`INFLUX_ORG ${org} not found at ${url}`);
  const bucket = `hvac-test-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const created = await fetch(`${url}/api/v2/buckets`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ orgID, name: bucket, retentionRules: [] }),
  });
  if (!created.ok) throw new Error(`cannot create bucket: ${created.status} ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  const query = new InfluxDB({ url, token }).getQueryApi(org);
  return {
    kind: 'influxdb',
    url,
    sinkConfig: { 'influx.url': url, 'influx.token': token, 'influx.org': org, 'influx.bucket': bucket },
    sinkEnv: { SINK_INFLUX_URL: url, SINK_INFLUX_TOKEN: token, SINK_INFLUX_ORG: org, SINK_INFLUX_BUCKET: bucket },
    async exportSeries(match) {
      const { measurement, field, tags } = parseSelector(match);
      const filters = [`r._measurement == ${flux(measurement)}`, `r._field == ${flux(field)}`].concat(
        Object.entries(tags).map(([k, v]) => `r[${flux(k)}] == ${flux(v)}`),
      );
      const rows = (await query.collectRows(
        `from(bucket: ${flux(bucket)}) |> range(start: 0) |> filter(fn: (r) => ${filters.join(' and ')})`,
      )) as Array<Record<string, unknown>>;
      const bySeries = new Map<string, SeriesSamples>();
      for (const row of rows) {
        const metric: Record<string, string> = { __name__: `${measurement}_${field}` };
        for (const [k, v] of Object.entries(row)) {
          if (!k.startsWith('_') && k !== 'result' && k !== 'table') metric[k] = String(v);
        }
        const key = JSON.stringify(metric);
        const s = bySeries.get(key) ?? { metric, values: [], timestamps: [] };
        s.values.push(Number(row._value));
        s.timestamps.push(Date.parse(String(row._time)));
        bySeries.set(key, s);
      }
      return [...bySeries.values()];
    },
    async stop() {
      await fetch(`${url}/api/v2/buckets/${id}`, { method: 'DELETE', headers });
    },
  };
}

/**
 * A real InfluxDB 1.x (the real-kafka project's): each call gets a database of its own, written through the v2
 * write API (bucket = database/retention policy, no token: auth is off) as a site on 1.8+ would, read back with
 * InfluxQL (GROUP BY * gives one series per tag set) into VictoriaMetrics' export shape.
 */
async function influx1ForTests(url: string): Promise<TsdbUnderTest> {
  const database = `hvac_test_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;
  const q = async (query: string, db?: string) => {
    const params = new URLSearchParams({ q: query, epoch: 'ms', ...(db ? { db } : {}) });
    const res = await fetch(`${url}/query?${params}`, { method: 'POST' });
    if (!res.ok) throw new Error(`InfluxQL ${query}: ${res.status} ${await res.text()}`);
    return (await res.json()) as {
      results: Array<{ error?: string; series?: Array<{ tags?: Record<string, string>; values: unknown[][] }> }>;
    };
  };
  await q(`CREATE DATABASE "${database}"`);
  const bucket = `${database}/autogen`;
  const ident = (s: string) => `"${s.replace(/"/g, '\\"')}"`;
  return {
    kind: 'influxdb',
    url,
    sinkConfig: { 'influx.url': url, 'influx.bucket': bucket, 'influx.org': '-', 'influx.token': '' },
    sinkEnv: { SINK_INFLUX_URL: url, SINK_INFLUX_BUCKET: bucket, SINK_INFLUX_ORG: '-', SINK_INFLUX_TOKEN: '' },
    async exportSeries(match) {
      const { measurement, field, tags } = parseSelector(match);
      const where = Object.entries(tags).map(([k, v]) => `${ident(k)} = '${v.replace(/'/g, "\\'")}'`);
      const res = await q(
        `SELECT ${ident(field)} FROM ${ident(measurement)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} GROUP BY *`,
        database,
      );
      const result = res.results[0];
      if (result?.error) throw new Error(result.error);
      return (result?.series ?? []).map((s) => {
        const rows = s.values.filter((v) => v[1] !== null);
        return {
          metric: { __name__: `${measurement}_${field}`, ...(s.tags ?? {}) },
          values: rows.map((v) => Number(v[1])),
          timestamps: rows.map((v) => Number(v[0])),
        };
      });
    },
    async stop() {
      await q(`DROP DATABASE "${database}"`);
    },
  };
}

/**
 * The TSDB for sink tests: the real-kafka project's InfluxDB 1.x, a real InfluxDB 2 when INFLUX_URL is set (with
 * INFLUX_TOKEN and INFLUX_ORG), otherwise a real VictoriaMetrics (its InfluxDB v2 write endpoint) on a random port.
 */
export async function startTsdbForTests(): Promise<TsdbUnderTest> {
  const { providedServer } = await import('./real-servers/inject.js');
  const provided = providedServer('realInfluxUrl');
  if (provided) return influx1ForTests(provided);
  const url = process.env.INFLUX_URL;
  if (url) return influxForTests(url, process.env.INFLUX_TOKEN ?? '', process.env.INFLUX_ORG ?? 'hvac-edge');
  const vm = await startVictoriaMetrics();
  return {
    kind: 'victoria-metrics',
    url: vm.url,
    sinkConfig: { 'influx.url': vm.url },
    sinkEnv: { SINK_INFLUX_URL: vm.url },
    exportSeries: vm.exportSeries,
    stop: vm.stop,
  };
}
