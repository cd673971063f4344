import { describe, expect, it } from 'vitest';
import { parseLineProtocol, timestampToMs } from '../../src/monitoring/line-protocol.js';

describe('line protocol', () => {
  it('parses tags, typed fields, escapes and timestamps', () => {
    const [l] = parseLineProtocol(
      'disk,host=vm\\ 1,path=/,device=sda1 total=1000i,free=400u,used_percent=60.5,ro=false,label="a \\"b\\"" 1700000000000000000',
    );
    expect(l).toEqual({
      measurement: 'disk',
      tags: { host: 'vm 1', path: '/', device: 'sda1' },
      fields: { total: 1000, free: 400, used_percent: 60.5, ro: false, label: 'a "b"' },
      timestamp: 1700000000000000000n,
      lineNumber: 1,
    });
  });

  it('skips blank lines and comments, names the bad line', () => {
    expect(parseLineProtocol('\n# comment\ncpu usage_idle=99 \n')).toHaveLength(1);
    expect(() => parseLineProtocol('cpu usage_idle=1\ncpu usage_idle=abc')).toThrow(/line 2: field usage_idle/);
    expect(() => parseLineProtocol('cpu')).toThrow(/line 1: expected/);
    expect(() => parseLineProtocol('cpu x=1 12ab')).toThrow(/bad timestamp/);
  });

  it('converts precisions', () => {
    expect(timestampToMs(1_700_000_000_123_000_000n, 'ns', 0)).toBe(1_700_000_000_123);
    expect(timestampToMs(1_700_000_000n, 's', 0)).toBe(1_700_000_000_000);
    expect(timestampToMs(undefined, 'ns', 42)).toBe(42);
  });
});
