import { originMs } from '@hvac-edge/shared';
import { describe, expect, it } from 'vitest';
import { originTimestamp } from '../src/points.js';

describe('originTimestamp', () => {
  it('recovers the millisecond a device meant from an origin a double cannot hold exactly', () => {
    const origin = 1_795_421_981_781 * 1_000_000; // as a double: 1795421981780999936
    expect(BigInt(origin)).not.toBe(1_795_421_981_781_000_000n);
    expect(originTimestamp(origin)).toBe('1795421981781000000');
    expect(originTimestamp(Number('1700000000123456789'))).toBe('1700000000123457000');
  });
});

describe('originMs', () => {
  it('gives the millisecond of the origin where dividing the double lands one early', () => {
    const origin = 1_795_421_981_786 * 1_000_000; // as a double: 1795421981785999872
    expect(Math.floor(origin / 1_000_000)).toBe(1_795_421_981_785);
    expect(originMs(origin)).toBe(1_795_421_981_786);
    expect(originMs(Number('1700000000123456789'))).toBe(1_700_000_000_123);
  });
});
