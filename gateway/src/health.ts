import type { GatewayConfig } from './config.js';
import type { GatewayMetrics } from './metrics.js';
import type { Forwarder } from './northbound/forwarder.js';
import type { StoreStats } from './store/event-store.js';

/**
 * ok: accepting and delivering. degraded: accepting, but not delivering as it should (the forwarder failing or
 * stuck, the backlog too old, the buffer near its high-water mark) — still ready, so an orchestrator keeps sending,
 * while an alert can act. not_ready: cannot accept (store or MQTT down).
 */
export type HealthState = 'ok' | 'degraded' | 'not_ready';
export const HEALTH_STATES: readonly HealthState[] = ['ok', 'degraded', 'not_ready'];
export const DEGRADATIONS = ['forwarder', 'backlog', 'buffer'] as const;
export type Degradation = (typeof DEGRADATIONS)[number];

/**
 * One way of being degraded: undefined when fine, else why (one line, with the figures and the config key). Given the
 * store's stats, read once per assessment.
 */
export interface DegradationCheck {
  name: Degradation;
  check: (stats: StoreStats) => string | undefined;
}

/** The degradation checks of this gateway: the forwarder's own, and the backlog and buffer against config. */
export function degradationChecks(
  config: Readonly<GatewayConfig>,
  forwarder: Pick<Forwarder, 'health'> | undefined,
  now: () => number = Date.now,
): DegradationCheck[] {
  const { maxBacklogAgeSeconds, bufferDegradedFraction } = config.health;
  const checks: DegradationCheck[] = [
    {
      name: 'buffer',
      check: ({ pending }) => {
        const mark = config.store.highWaterMark;
        return pending >= bufferDegradedFraction * mark
          ? `${pending} pending events, ${Math.round((100 * pending) / mark)}% of store.highWaterMark (${mark}); at 100% ingest answers 503`
          : undefined;
      },
    },
  ];
  if (!forwarder) return checks;
  checks.push(
    { name: 'forwarder', check: () => forwarder.health() },
    {
      name: 'backlog',
      check: ({ oldestPendingReceivedAt: oldest }) => {
        const age = oldest === undefined ? 0 : (now() - oldest) / 1000;
        return age > maxBacklogAgeSeconds
          ? `the oldest pending event is ${Math.round(age)} s old (health.maxBacklogAgeSeconds ${maxBacklogAgeSeconds})`
          : undefined;
      },
    },
  );
  return checks;
}

export interface HealthReport {
  state: HealthState;
  /** Readiness checks (store, MQTT): false = not ready. */
  checks: Record<string, boolean>;
  /** Why degraded, by check. */
  degraded: Partial<Record<Degradation, string>>;
  /** The store's stats the checks saw (undefined when the store could not say). */
  stats: StoreStats | undefined;
}

/** Runs every check, and sets the health gauges so that /metrics says what /readyz says. */
export async function assessHealth(
  readiness: Array<{ name: string; check: () => Promise<boolean> | boolean }>,
  degradation: DegradationCheck[],
  metrics: Pick<GatewayMetrics, 'healthState' | 'degraded'>,
  loadStats: () => Promise<StoreStats>,
): Promise<HealthReport> {
  const checks: Record<string, boolean> = {};
  for (const c of readiness) checks[c.name] = await Promise.resolve(c.check()).catch(() => false);
  const degraded: HealthReport['degraded'] = {};
  let stats: StoreStats | undefined;
  try {
    stats = await loadStats();
    for (const d of degradation) {
      const why = d.check(stats);
      if (why) degraded[d.name] = why;
    }
  } catch (err) {
    // The store cannot say: readiness already says so (its ping failed); no degradation can be judged.
    if (checks.store !== false)
      for (const d of degradation) degraded[d.name] = `check failed: ${(err as Error).message}`;
  }
  const state: HealthState = !Object.values(checks).every(Boolean)
    ? 'not_ready'
    : Object.keys(degraded).length > 0
      ? 'degraded'
      : 'ok';
  for (const s of HEALTH_STATES) metrics.healthState.set({ state: s }, s === state ? 1 : 0);
  for (const d of DEGRADATIONS) metrics.degraded.set({ reason: d }, degraded[d] ? 1 : 0);
  return { state, checks, degraded, stats };
}
