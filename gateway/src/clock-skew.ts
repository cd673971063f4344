import { originMs } from '@hvac-edge/shared';
import type { GatewayMetrics } from './metrics.js';

/** The tag an event gets when its origin is implausibly far from the gateway's receive time (seconds, signed). */
export const CLOCK_SKEW_TAG = 'clockSkewSeconds';
/** Devices counted by name; past this many, the rest count as "other" (the label set stays bounded). */
const MAX_DEVICES = 1000;

export interface ClockSkewLimits {
  /** Origins further ahead of the receive time than this are flagged (a device clock running fast). */
  aheadSeconds: number;
  /** Origins further behind it than this are flagged (beyond any plausible outage backlog: a clock never set). */
  behindSeconds: number;
}

/**
 * Flags, rather than refuses, events whose origin is far from when they arrived: the reading is kept (it may still
 * be the device's best knowledge), tagged with the skew, and counted by device, so a clock that was never set (a Pi
 * without network time) shows up instead of filing readings in the past or the future silently.
 */
export class ClockSkewFlagger {
  private readonly devices = new Set<string>();

  constructor(
    private readonly limits: ClockSkewLimits,
    private readonly metrics: Pick<GatewayMetrics, 'clockSkew'>,
    private readonly now: () => number = Date.now,
  ) {}

  flag(event: { deviceName: string; origin: bigint; tags?: Record<string, unknown> }): void {
    const skew = (originMs(event.origin) - this.now()) / 1000;
    const direction = skew > this.limits.aheadSeconds ? 'ahead' : -skew > this.limits.behindSeconds ? 'behind' : '';
    if (!direction) return;
    event.tags = { ...event.tags, [CLOCK_SKEW_TAG]: String(Math.round(skew)) };
    if (this.devices.size < MAX_DEVICES) this.devices.add(event.deviceName);
    const device = this.devices.has(event.deviceName) ? event.deviceName : 'other';
    this.metrics.clockSkew.inc({ device, direction });
  }
}
