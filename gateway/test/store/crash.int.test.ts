import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { stringifyEdgex } from '@hvac-edge/shared';
import { freePort, makeAddEventRequest, makeTempDir, waitFor } from '@hvac-edge/test/support';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore, spawnGateway } from '../helpers.js';

// An acknowledgement means durable: a gateway killed with SIGKILL right after its 201s still has every acked event.
describe('durability: SIGKILL right after 201', () => {
  let child: ChildProcess | undefined;
  let dir = '';
  afterAll(async () => {
    child?.kill('SIGKILL');
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged event', async () => {
    dir = await makeTempDir('crash');
    const port = await freePort();
    const dbPath = `${dir}/gateway.db`;
    const gateway = spawnGateway(port, dbPath, { GATEWAY_RATE_LIMIT_PER_DEVICE_PER_MINUTE: '0' });
    child = gateway.proc;
    const exited = gateway.exited;
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/readyz`)).ok, 'gateway readiness', 30_000);

    const acked: string[] = [];
    const KILL_AFTER = 300;
    let killed = false;
    // 20 concurrent writers keep requests in flight when the kill lands.
    const writer = async (w: number) => {
      while (!killed) {
        const req = makeAddEventRequest({ deviceName: `dev-${w}` });
        try {
          const res = await fetch(`${base}/api/v3/event/svc/dht22/dev-${w}/climate`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: stringifyEdgex(req),
          });
          if (res.status === 201) acked.push(req.event.id);
        } catch {
          return; // connection reset by the kill
        }
        if (acked.length >= KILL_AFTER && !killed) {
          killed = true;
          child?.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, w) => writer(w)));
    await exited;
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER);

    const store = await openSqliteStore(dbPath);
    try {
      const missing: string[] = [];
      for (const id of acked) if (!(await store.getById(id))) missing.push(id);
      expect(missing).toEqual([]);
      const pending = await store.pending(10_000);
      expect(pending.length).toBeGreaterThanOrEqual(acked.length);
      // Per-device sequences have no gaps after recovery.
      for (let w = 0; w < 20; w++) {
        const seqs = pending.filter((p) => p.event.deviceName === `dev-${w}`).map((p) => p.deviceSeq);
        expect(seqs).toEqual(seqs.map((_, i) => i + 1));
        // And go on from there, though the sequence table is written only now and then.
        const next = await store.append(makeAddEventRequest({ deviceName: `dev-${w}` }).event);
        expect(next.deviceSeq).toBe(seqs.length + 1);
      }
    } finally {
      await store.close();
    }
  });
});
