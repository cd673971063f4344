import type { Registry } from 'prom-client';

/**
 * The samples a Prometheus text exposition at `url` shows (another process's `/metrics`), by series as written there:
 * `name`, `name{label="value"}`, `name_sum`, `name_count`.
 */
export async function scrapeSamples(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(url)).text();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

/**
 * The embedded store's group commit between two scrapes of a gateway's `/metrics` (from its start when `before` is
 * omitted): events per transaction, mean transaction time (fsync included) and the share of transactions over 10 ms.
 * Null figures when no transaction happened.
 */
export function storeCommits(after: Map<string, number>, before: Map<string, number> = new Map()) {
  const delta = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);
  const commits = delta('hvac_gateway_store_commit_events_count');
  if (commits <= 0) return { eventsPerCommit: null, commitMs: null, commitsOver10msPct: null };
  const under10ms = delta('hvac_gateway_store_commit_seconds_bucket{le="0.01"}');
  return {
    eventsPerCommit: Number((delta('hvac_gateway_store_commit_events_sum') / commits).toFixed(1)),
    commitMs: Number(((delta('hvac_gateway_store_commit_seconds_sum') / commits) * 1000).toFixed(2)),
    commitsOver10msPct: Number((100 - (under10ms / commits) * 100).toFixed(2)),
  };
}

/**
 * The value of a counter or gauge as a Prometheus scrape would show it: the sum of the samples whose labels include
 * `labels` (all samples when none are given); 0 when the metric has no sample yet.
 */
export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name} in the registry`);
  const { values } = await metric.get();
  return values
    .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}
