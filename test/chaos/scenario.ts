import { stringifyEdgex } from '@hvac-edge/shared';
import { makeAddEventRequest } from '../support/index.js';

/** How big a run is: the test command runs `short`, `pnpm chaos` runs `long`. */
export interface Scale {
  name: 'short' | 'long';
  /** Events per load phase. */
  events: number;
  /** Seconds an outage or an overload lasts. */
  outageSeconds: number;
}

export const SHORT: Scale = { name: 'short', events: 150, outageSeconds: 2 };
export const LONG: Scale = { name: 'long', events: 2000, outageSeconds: 30 };

/**
 * What a scenario found, counted from what is stored at the end (the store, the topic, the TSDB), never from the
 * processes' own counters. `lost`: acknowledged but not stored. `duplicatedPoints`: stored more than once (for
 * points: two different values at one series and timestamp, or a point nobody sent).
 */
export interface Outcome {
  scenario: string;
  lost: number;
  duplicatedPoints: number;
  passed: boolean;
  seconds: number;
  /** The figures behind the verdict, one line. */
  detail: string;
}

export interface Scenario {
  name: string;
  /** Needs the Kafka test broker (fault injection); skipped against a real cluster (KAFKA_BROKERS). */
  needsTestBroker?: boolean;
  run(scale: Scale): Promise<Omit<Outcome, 'scenario' | 'seconds'>>;
}

/** POSTs one event to a gateway at `base`; resolves with the event id when acknowledged (201), else undefined. */
export async function postEvent(base: string, device: string, token?: string): Promise<string | undefined> {
  const req = makeAddEventRequest({ deviceName: device });
  try {
    const res = await fetch(`${base}/api/v3/event/svc/dht22/${device}/climate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: stringifyEdgex(req),
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return res.status === 201 ? req.event.id : undefined;
  } catch {
    return undefined;
  }
}

/** A pause between attempts of a load generator whose target is down (not a wait for an event). */
export const breathe = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sequences 1..n per device, or the first gap or repeat found. */
export function sequenceGaps(rows: Array<{ device: string; seq: number }>): string[] {
  const by = new Map<string, number[]>();
  for (const r of rows) by.set(r.device, [...(by.get(r.device) ?? []), r.seq]);
  const problems: string[] = [];
  for (const [device, seqs] of by) {
    const sorted = [...seqs].sort((a, b) => a - b);
    const bad = sorted.findIndex((s, i) => s !== i + 1);
    if (bad >= 0) problems.push(`${device}: sequence ${sorted[bad]} at position ${bad + 1}`);
  }
  return problems;
}
