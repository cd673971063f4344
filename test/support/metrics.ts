import type { Registry } from 'prom-client';

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
