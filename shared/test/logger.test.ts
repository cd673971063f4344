import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/index.js';

describe('createLogger', () => {
  it('redacts secrets and tokens wherever they are logged, and puts errors under err', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(chunk.toString());
        cb();
      },
    });
    const log = createLogger('gateway', { level: 'info' }, sink).child({ module: 'test' });
    log.info({ config: { weather: { apiKey: 'owm-123' }, auth: { tokens: ['t-1'] } }, token: 'x' }, 'config');
    log.error({ err: new Error('boom') }, 'failed');
    const text = lines.join('');
    expect(text).not.toMatch(/owm-123|t-1|"x"/);
    expect(text).toMatch(/\[redacted\]/);
    const errLine = JSON.parse(lines[1] as string);
    expect(errLine.err.message).toBe('boom');
    expect(errLine.module).toBe('test');
    expect(errLine.service).toBe('gateway');
  });
});
