import { describe, expect, it } from 'vitest';
import {
  canHoldRoom,
  createScenario,
  DEFAULT_FACTORS,
  drawRoomVariant,
  fixedController,
  ROOM_FAMILY,
  roomVariant,
  runClosedLoop,
  variantScenario,
} from '../../src/sim/index.js';

const BASE = DEFAULT_FACTORS;

describe('the family of rooms', () => {
  it('draws every factor within its published range, deterministically, and only rooms the unit can hold', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const v = drawRoomVariant(seed);
      for (const [k, [lo, hi]] of Object.entries(ROOM_FAMILY)) {
        const f = v.factors[k as keyof typeof v.factors];
        expect(f).toBeGreaterThanOrEqual(lo);
        expect(f).toBeLessThanOrEqual(hi);
      }
      expect(canHoldRoom(v)).toBe(true);
      expect(drawRoomVariant(seed)).toEqual(v);
    }
  });

  it('refuses a room whose unit cannot hold it, and keeps the default room', () => {
    expect(canHoldRoom(roomVariant('default', 1, BASE))).toBe(true);
    expect(canHoldRoom(roomVariant('hopeless', 1, { ...BASE, itLoad: 2, capacity: 0.6 }))).toBe(false);
  });

  it('simulates the fastest corner (light room, strong unit, 1 K band) without numerical oscillation', async () => {
    const v = roomVariant('fast', 5, {
      ...BASE,
      airCapacity: 0.2,
      massCapacity: 0.2,
      envelope: 4,
      capacity: 1.5,
      proportionalBandK: 1,
    });
    const sc = createScenario(variantScenario(v, 2, 190));
    const airs: number[] = [];
    await runClosedLoop(sc, {
      name: 'fixed-22-recording',
      decide: (ctx) => {
        airs.push(ctx.state.airC);
        return fixedController(22).decide(ctx);
      },
    });
    expect(airs.every(Number.isFinite)).toBe(true);
    // Held near 22 °C + a fraction of the 1 K band; an unstable integration would swing by kelvins per step.
    expect(Math.min(...airs)).toBeGreaterThan(20);
    expect(Math.max(...airs)).toBeLessThan(25.5); // it starts at 25 °C
    // After the first hour (the step from 24 to 22 °C), air moves smoothly between control steps (5 min apart).
    const settled = airs.slice(12);
    const jumps = settled.slice(1).map((a, i) => Math.abs(a - (settled[i] as number)));
    expect(Math.max(...jumps)).toBeLessThan(0.5);
  });
});
