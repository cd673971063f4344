import { rm } from 'node:fs/promises';
import { makeTempDir } from '@hvac-edge/test/support';
import { afterEach, describe, expect, it } from 'vitest';
import { openAgentDatabase } from '../src/local/agent-database.js';
import { Outbox } from '../src/outbox/outbox.js';

describe('Outbox', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps readings in order across a reopen, until removed', async () => {
    dir = await makeTempDir('outbox');
    const dbA = openAgentDatabase(`${dir}/o.db`);
    const a = new Outbox(dbA, 1 << 20);
    for (let i = 0; i < 5; i++) a.add(`id-${i}`, `{"n":${i}}`);
    const [first, second] = a.peek(2);
    a.remove(first?.seq as number);
    expect(a.peek(10).map((x) => x.id)).toEqual(['id-1', 'id-2', 'id-3', 'id-4']);
    expect(a.size.count).toBe(4);
    // A crash before the next write: the sent reading is still on disk, and is sent again (the gateway says 409).
    dbA.close();
    const dbB = openAgentDatabase(`${dir}/o.db`);
    const b = new Outbox(dbB, 1 << 20);
    expect(b.peek(10).map((x) => x.id)).toEqual(['id-0', 'id-1', 'id-2', 'id-3', 'id-4']);
    // The next write deletes what was sent, in its own transaction; so does flush() at shutdown.
    b.remove(first?.seq as number);
    b.add('id-5', '{"n":5}');
    b.remove(second?.seq as number);
    b.flush();
    dbB.close();
    const dbC = openAgentDatabase(`${dir}/o.db`);
    const c = new Outbox(dbC, 1 << 20);
    expect(c.peek(10).map((x) => x.id)).toEqual(['id-2', 'id-3', 'id-4', 'id-5']);
    expect(c.size.count).toBe(4);
    dbC.close();
  });

  it('drops the oldest readings past its disk budget and counts them', async () => {
    dir = await makeTempDir('outbox');
    const drops: number[] = [];
    const db = openAgentDatabase(`${dir}/o.db`);
    const o = new Outbox(db, 65_536, (n) => drops.push(n));
    const body = 'x'.repeat(1000);
    for (let i = 0; i < 100; i++) o.add(`id-${i}`, body);
    const left = o.peek(1000);
    expect(o.size.bytes).toBeLessThanOrEqual(65_536);
    expect(drops.reduce((a, b) => a + b, 0)).toBe(100 - left.length);
    expect(left.at(-1)?.id).toBe('id-99');
    expect(left[0]?.id).toBe(`id-${100 - left.length}`);
    db.close();
  });
});
