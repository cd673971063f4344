import { describe, expect, it } from 'vitest';
import {
  capacityAt,
  copAt,
  DEFAULT_ROOM,
  indoorRh,
  initialState,
  type RoomInputs,
  type RoomState,
  stepRoom,
} from '../../src/sim/index.js';

const OFF = 100; // a set-point no room reaches: the cooling unit never runs

function settle(u: RoomInputs, s: RoomState = initialState(24), days = 20) {
  let last = { sensibleW: 0, coolingW: 0, electricW: 0, cop: 0 };
  for (let i = 0; i < days * 1440; i++) last = stepRoom(DEFAULT_ROOM, s, u, 60);
  return { s, last };
}

const base: RoomInputs = { outdoorC: 10, outdoorRhPct: 60, solar: 0, itLoadW: 0, setpointC: OFF };

describe('room simulator (2R2C)', () => {
  it('with no cooling, no IT load and no sun, room air and mass tend to the outdoor temperature', () => {
    const { s, last } = settle(base, initialState(30));
    expect(last.coolingW).toBe(0);
    expect(s.airC).toBeCloseTo(10, 1);
    expect(s.massC).toBeCloseTo(10, 1);
  });

  it('more IT load gives a higher steady state, by load over the total conductance to outdoors', () => {
    const low = settle({ ...base, itLoadW: 1000 }).s.airC;
    const high = settle({ ...base, itLoadW: 2000 }).s.airC;
    expect(high).toBeGreaterThan(low);
    const p = DEFAULT_ROOM;
    const conductance = 1 / (1 / p.uaEnvelope + 1 / p.uaInterior) + p.uaInfiltration;
    expect(high - low).toBeCloseTo(1000 / conductance, 1);
  });

  it('tracks the set-point within capacity: the proportional band leaves an offset of band × load / capacity', () => {
    const u = { ...base, outdoorC: 30, itLoadW: 4000, setpointC: 22 };
    const { s, last } = settle(u);
    const capacity = capacityAt(DEFAULT_ROOM, 30);
    expect(last.sensibleW).toBeGreaterThan(4000);
    expect(last.sensibleW).toBeLessThan(capacity);
    expect(s.airC - 22).toBeCloseTo((DEFAULT_ROOM.proportionalBandK * last.sensibleW) / capacity, 2);
    expect(s.airC).toBeLessThan(22 + DEFAULT_ROOM.proportionalBandK);
  });

  it('beyond capacity the room cannot hold the set-point and keeps warming past the band', () => {
    const u = { ...base, outdoorC: 38, itLoadW: capacityAt(DEFAULT_ROOM, 38) * 1.3, setpointC: 20 };
    const { s, last } = settle(u, initialState(20), 2);
    expect(last.sensibleW).toBeGreaterThanOrEqual(capacityAt(DEFAULT_ROOM, 38) - 1);
    expect(s.airC).toBeGreaterThan(20 + DEFAULT_ROOM.proportionalBandK + 2);
  });

  it('COP drops as outdoor temperature rises and improves with warmer room air; capacity falls with heat', () => {
    expect(copAt(DEFAULT_ROOM, 24, 35)).toBeLessThan(copAt(DEFAULT_ROOM, 24, 25));
    expect(copAt(DEFAULT_ROOM, 26, 30)).toBeGreaterThan(copAt(DEFAULT_ROOM, 18, 30));
    expect(capacityAt(DEFAULT_ROOM, 40)).toBeLessThan(capacityAt(DEFAULT_ROOM, 30));
  });

  it('keeps a moisture balance: humid outdoor air raises indoor humidity, and cooling dries the room', () => {
    const dry = settle({ ...base, outdoorC: 25, outdoorRhPct: 30, itLoadW: 3000, setpointC: 22 }).s;
    const humid = settle({ ...base, outdoorC: 25, outdoorRhPct: 95, itLoadW: 3000, setpointC: 22 }).s;
    expect(indoorRh(humid)).toBeGreaterThan(indoorRh(dry));
    const uncooled = settle({ ...base, outdoorC: 25, outdoorRhPct: 95, itLoadW: 0 }).s;
    expect(uncooled.w).toBeGreaterThan(humid.w);
  });
});
