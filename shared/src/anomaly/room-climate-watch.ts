import { type AirSample, robustSlopePerMin } from '../control/setpoint-supervisor.js';
import { median } from '../median.js';

/**
 * Room climate anomalies, per device, from what the sink sees of each reading (air temperature and humidity, the
 * applied set-point, the time):
 * - cooling failure: the air's excess over its set-point passes the highest this room has shown lately (a maximum
 *   that rises at `highRiseKPerHour` at most and forgets `highDecayKPerDay`) by `coolingMarginK` while the air rises faster than `coolingRiseKPerMin`, or by
 *   `coolingHardK` while it rises at all — on two readings in a row (one is a spike). A falling room is not failing
 *   (a lowered set-point does that). Judged after `warmupHours` of learning (a whole day, so the afternoon's load
 *   is known); nothing is learned from a reading judged failing.
 * - stuck sensor: temperature and humidity both unchanged for `stuckMinutes` (a DHT22 over a cycling cooling unit
 *   never reads the same for that long).
 * - drift: the device's difference from the median of its neighbours (other devices with the same location, seen
 *   within `neighbourWindowMinutes`; at least two) moves away from its usual difference by `driftK`, for
 *   `driftHoldMinutes`.
 * Each kind is an episode: it fires once when it starts and resolves after `clearMinutes` without the condition.
 */

export type RoomAnomalyKind = 'cooling-failure' | 'stuck-sensor' | 'drift';

export interface RoomWatchOptions {
  warmupHours: number;
  highDecayKPerDay: number;
  highRiseKPerHour: number;
  coolingMarginK: number;
  coolingHardK: number;
  coolingRiseKPerMin: number;
  stuckMinutes: number;
  driftK: number;
  driftHoldMinutes: number;
  driftLearnDays: number;
  neighbourWindowMinutes: number;
  /** Neighbours compared at most (a site has a handful of sensors; this bounds the cost of a large one). */
  maxPeers: number;
  clearMinutes: number;
}

export const DEFAULT_ROOM_WATCH: RoomWatchOptions = {
  warmupHours: 24,
  highDecayKPerDay: 0.5,
  highRiseKPerHour: 0.5,
  coolingMarginK: 1,
  coolingHardK: 3,
  coolingRiseKPerMin: 0.05,
  stuckMinutes: 30,
  driftK: 1.5,
  driftHoldMinutes: 30,
  driftLearnDays: 7,
  neighbourWindowMinutes: 5,
  maxPeers: 15,
  clearMinutes: 10,
};

export interface RoomReading {
  device: string;
  location?: string;
  atMs: number;
  airC: number;
  humidityPct?: number;
  setpointC?: number;
}

/** One reading's verdict for one kind: the score (0..1) and whether an episode started or ended with it. */
export interface RoomAnomaly {
  device: string;
  kind: RoomAnomalyKind;
  atMs: number;
  score: number;
  transition: 'firing' | 'resolved' | null;
}

interface Episode {
  active: boolean;
  lastSeenMs: number;
}

interface DeviceState {
  location: string | undefined;
  firstMs: number;
  lastMs: number;
  air: AirSample[];
  excessHigh: number;
  learned: boolean;
  /** Consecutive readings that looked like a cooling failure (two are needed: one is a spike). */
  failingReadings: number;
  sameSinceMs: number;
  lastTemp: number;
  lastHumidity: number | undefined;
  driftBase: number | undefined;
  driftWeight: number;
  driftSinceMs: number | undefined;
  episodes: Record<RoomAnomalyKind, Episode>;
}

const MIN = 60_000;
const KINDS: RoomAnomalyKind[] = ['cooling-failure', 'stuck-sensor', 'drift'];

export class RoomClimateWatch {
  private readonly devices = new Map<string, DeviceState>();
  private readonly byLocation = new Map<string, Set<string>>();

  constructor(
    private readonly o: RoomWatchOptions = DEFAULT_ROOM_WATCH,
    /** Devices kept at most; the least recently seen is forgotten past it. */
    private readonly maxDevices = 100_000,
  ) {}

  get size(): number {
    return this.devices.size;
  }

  /** Scores one reading; returns the kinds that are anomalous now or just resolved (empty when all is well). */
  observe(r: RoomReading): RoomAnomaly[] {
    if (!Number.isFinite(r.airC) || !Number.isFinite(r.atMs)) return [];
    const s = this.state(r);
    if (r.atMs <= s.lastMs) return []; // a replay or out of order: judged already
    const out: RoomAnomaly[] = [];
    const warm = r.atMs - s.firstMs >= this.o.warmupHours * 3_600_000;
    const scores: Record<RoomAnomalyKind, number> = {
      'cooling-failure': warm ? this.cooling(s, r) : 0,
      'stuck-sensor': this.stuck(s, r),
      drift: this.drift(s, r),
    };
    for (const kind of KINDS) {
      const e = s.episodes[kind];
      const score = scores[kind];
      if (score > 0) {
        out.push({ device: r.device, kind, atMs: r.atMs, score, transition: e.active ? null : 'firing' });
        e.active = true;
        e.lastSeenMs = r.atMs;
      } else if (e.active && r.atMs - e.lastSeenMs >= this.o.clearMinutes * MIN) {
        e.active = false;
        out.push({ device: r.device, kind, atMs: r.atMs, score: 0, transition: 'resolved' });
      }
    }
    s.lastMs = r.atMs;
    return out;
  }

  private state(r: RoomReading): DeviceState {
    let s = this.devices.get(r.device);
    if (s) {
      // Most recently seen last, so the first key is the one to forget.
      this.devices.delete(r.device);
      this.devices.set(r.device, s);
      if (s.location !== r.location) {
        this.unindex(r.device, s.location);
        this.index(r.device, r.location);
        s.location = r.location;
      }
      return s;
    }
    if (this.devices.size >= this.maxDevices) {
      const [oldest, old] = this.devices.entries().next().value as [string, DeviceState];
      this.devices.delete(oldest);
      this.unindex(oldest, old.location);
    }
    this.index(r.device, r.location);
    s = {
      location: r.location,
      firstMs: r.atMs,
      lastMs: Number.NEGATIVE_INFINITY,
      air: [],
      excessHigh: 0,
      learned: false,
      failingReadings: 0,
      sameSinceMs: r.atMs,
      lastTemp: Number.NaN,
      lastHumidity: undefined,
      driftBase: undefined,
      driftWeight: 0,
      driftSinceMs: undefined,
      episodes: Object.fromEntries(
        KINDS.map((k) => [k, { active: false, lastSeenMs: Number.NEGATIVE_INFINITY }]),
      ) as DeviceState['episodes'],
    };
    this.devices.set(r.device, s);
    return s;
  }

  private index(device: string, location: string | undefined): void {
    if (location === undefined) return;
    const set = this.byLocation.get(location) ?? new Set<string>();
    this.byLocation.set(location, set);
    set.add(device);
  }

  private unindex(device: string, location: string | undefined): void {
    if (location === undefined) return;
    const set = this.byLocation.get(location);
    set?.delete(device);
    if (set?.size === 0) this.byLocation.delete(location);
  }

  private cooling(s: DeviceState, r: RoomReading): number {
    // At most one point per 30 s in the ten-minute window (21 at most: a fleet of 10,000 keeps it in a few MB, and
    // a device reading faster costs no more).
    const last = s.air.at(-1);
    if (last && r.atMs - last.atMs < 30_000) last.airC = r.airC;
    else s.air.push({ atMs: r.atMs, airC: r.airC });
    while (s.air.length > 2 && (s.air[0] as AirSample).atMs < r.atMs - 10 * MIN) s.air.shift();
    if (r.setpointC === undefined) return 0;
    const excess = r.airC - r.setpointC;
    const over = excess - (s.excessHigh + this.o.coolingMarginK);
    // The rise over the last ten minutes (Theil-Sen, as the set-point supervisor reads it: a spike does not move it),
    // once two minutes are covered.
    const spanMin = (r.atMs - (s.air[0] as AirSample).atMs) / MIN;
    const rise = spanMin >= 2 ? robustSlopePerMin(s.air) : 0;
    // A falling room is not failing to cool, however far above its set-point (a lowered set-point does that).
    const failing =
      s.learned && over > 0 && rise > 0 && (rise >= this.o.coolingRiseKPerMin || over >= this.o.coolingHardK);
    if (!failing) {
      // The highest excess lately: it rises towards a higher one at highRiseKPerHour at most (a failure outruns it;
      // a hotter afternoon does not) and forgets at highDecayKPerDay.
      const dtDays = Number.isFinite(s.lastMs) ? (r.atMs - s.lastMs) / 86_400_000 : 0;
      s.excessHigh = s.learned
        ? Math.min(
            Math.max(excess, s.excessHigh - this.o.highDecayKPerDay * dtDays),
            s.excessHigh + this.o.highRiseKPerHour * 24 * dtDays,
          )
        : excess;
      s.learned = true;
    }
    s.failingReadings = failing ? s.failingReadings + 1 : 0;
    return s.failingReadings >= 2 ? Math.min(1, 0.5 + over / (2 * this.o.coolingHardK)) : 0;
  }

  private stuck(s: DeviceState, r: RoomReading): number {
    const same = r.airC === s.lastTemp && r.humidityPct === s.lastHumidity;
    if (!same) s.sameSinceMs = r.atMs;
    s.lastTemp = r.airC;
    s.lastHumidity = r.humidityPct;
    const minutes = (r.atMs - s.sameSinceMs) / MIN;
    return minutes >= this.o.stuckMinutes ? Math.min(1, 0.5 + minutes / (4 * this.o.stuckMinutes)) : 0;
  }

  private drift(s: DeviceState, r: RoomReading): number {
    if (s.location === undefined) return 0;
    // A failing unit or a stuck sensor moves the difference too; that is theirs to report, and for a while after.
    const other = [s.episodes['cooling-failure'], s.episodes['stuck-sensor']];
    if (other.some((e) => e.active || r.atMs - e.lastSeenMs < 2 * this.o.driftHoldMinutes * MIN)) {
      s.driftSinceMs = undefined;
      return 0;
    }
    const peers: number[] = [];
    let examined = 0;
    for (const name of this.byLocation.get(s.location) ?? []) {
      // Bounded however large the location: a few times the peers wanted are looked at.
      if (peers.length >= this.o.maxPeers || ++examined > 4 * this.o.maxPeers) break;
      const p = this.devices.get(name) as DeviceState;
      if (name === r.device) continue;
      if (r.atMs - p.lastMs > this.o.neighbourWindowMinutes * MIN || !Number.isFinite(p.lastTemp)) continue;
      // A neighbour with a fault of its own is no reference.
      if (
        KINDS.some((k) => p.episodes[k].active || r.atMs - p.episodes[k].lastSeenMs < 2 * this.o.driftHoldMinutes * MIN)
      ) {
        continue;
      }
      peers.push(p.lastTemp);
    }
    if (peers.length < 2) return 0;
    const d = r.airC - median(peers);
    if (s.driftBase === undefined) {
      s.driftBase = d;
      s.driftWeight = 1;
      return 0;
    }
    const off = Math.abs(d - s.driftBase);
    // Hysteresis: an episode under way holds until the difference is back within half the limit.
    const active = s.episodes.drift.active;
    if (active && off >= this.o.driftK / 2)
      return Math.min(1, 0.5 + Math.max(0, off - this.o.driftK) / (2 * this.o.driftK));
    if (off < this.o.driftK) {
      s.driftSinceMs = undefined;
      // A running mean at first, then a moving average over driftLearnDays' worth of readings at one a minute
      // (about a day at one every 10 s).
      s.driftWeight = Math.min(s.driftWeight + 1, this.o.driftLearnDays * 1440);
      s.driftBase += (d - s.driftBase) / s.driftWeight;
      return 0;
    }
    s.driftSinceMs ??= r.atMs;
    if (r.atMs - s.driftSinceMs < this.o.driftHoldMinutes * MIN) return 0;
    return Math.min(1, 0.5 + (off - this.o.driftK) / (2 * this.o.driftK));
  }
}
