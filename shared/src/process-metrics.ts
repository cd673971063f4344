/**
 * prom-client's process metrics include gauges named `..._active_handles_total`, `_requests_total` and
 * `_resources_total`; Prometheus reserves `_total` for counters, and `promtool check metrics` fails on them. The
 * same figures stay available, per type, in the gauges of the same names without `_total`.
 */
const GAUGES_NAMED_TOTAL = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** Removes those gauges from a registry filled by collectDefaultMetrics({ prefix }). */
export function dropGaugesNamedTotal(registry: { removeSingleMetric(name: string): void }, prefix: string): void {
  for (const name of GAUGES_NAMED_TOTAL) registry.removeSingleMetric(`${prefix}${name}`);
}
