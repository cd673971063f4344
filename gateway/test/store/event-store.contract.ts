import { parseEdgexJson } from '@hvac-edge/shared';
import { makeEvent } from '@hvac-edge/test/support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuplicateEventError, type EventStore } from '../../src/store/event-store.js';

export interface StoreHarness {
  /** A fresh, empty, opened store. */
  create(): Promise<EventStore>;
  /** Close and open the same underlying data again. */
  reopen(store: EventStore): Promise<EventStore>;
  /** Controls the store's clock (Unix ms) where the adapter supports it. */
  setNow(ms: number): void;
  destroy(): Promise<void>;
}

const NS = 1_000_000n;

/**
 * The behaviour every EventStore adapter must have. Run with `eventStoreContract('sqlite', harness)`.
 */
export function eventStoreContract(name: string, harness: () => StoreHarness): void {
  describe(`EventStore contract: ${name}`, () => {
    let h: StoreHarness;
    let store: EventStore;

    beforeEach(async () => {
      h = harness();
      h.setNow(1_000_000);
      store = await h.create();
    });
    afterEach(async () => {
      await store.close();
      await h.destroy();
    });

    it('appends and reads back by id, with arrival metadata', async () => {
      const e = makeEvent();
      const r = await store.append(e);
      expect(r).toEqual({ seq: expect.any(Number), deviceSeq: 1, receivedAt: 1_000_000 });
      const got = await store.getById(e.id);
      const { eventJson, ...rest } = got ?? {};
      expect(rest).toEqual({ seq: r.seq, deviceSeq: 1, receivedAt: 1_000_000, state: 'pending', event: e });
      if (eventJson !== undefined) expect(parseEdgexJson(eventJson)).toEqual(e);
      expect(await store.getById('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    });

    it('rejects a duplicate id, sequentially and within one group commit, keeping the first', async () => {
      const e = makeEvent({ temperature: 20 });
      await store.append(e);
      await expect(store.append({ ...e, readings: makeEvent({ temperature: 99 }).readings })).rejects.toBeInstanceOf(
        DuplicateEventError,
      );
      const f = makeEvent();
      const both = await Promise.allSettled([store.append(f), store.append(f)]);
      expect(both.map((s) => s.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect((await store.getById(e.id))?.event.readings[0]?.value).toBe('20');
      expect(await store.countEvents()).toBe(2);
      expect((await store.stats()).pending).toBe(2);
    });

    it('keeps arrival order for pending events across concurrent appends and devices', async () => {
      const events = Array.from({ length: 50 }, (_, i) => makeEvent({ deviceName: `d${i % 3}` }));
      const results = await Promise.all(events.map((e) => store.append(e)));
      const pending = await store.pending(100);
      expect(pending.map((p) => p.event.id)).toEqual(events.map((e) => e.id));
      expect(pending.map((p) => p.seq)).toEqual(results.map((r) => r.seq));
      expect([...pending.map((p) => p.seq)].sort((a, b) => a - b)).toEqual(pending.map((p) => p.seq));
      const d0 = pending.filter((p) => p.event.deviceName === 'd0').map((p) => p.deviceSeq);
      expect(d0).toEqual(Array.from({ length: d0.length }, (_, i) => i + 1));
      // Paging through pending with afterSeq yields the same sequence.
      const firstPage = await store.pending(20);
      const secondPage = await store.pending(20, firstPage.at(-1)?.seq);
      expect([...firstPage, ...secondPage].map((p) => p.event.id)).toEqual(events.slice(0, 40).map((e) => e.id));
    });

    it('marks events forwarded: gone from pending, still queryable, idempotent', async () => {
      const [a, b, c] = [makeEvent(), makeEvent(), makeEvent()];
      const ra = await store.append(a);
      const rb = await store.append(b);
      await store.append(c);
      await store.markForwarded([ra.seq, rb.seq]);
      await store.markForwarded([ra.seq]);
      expect((await store.pending(10)).map((p) => p.event.id)).toEqual([c.id]);
      expect((await store.getById(a.id))?.state).toBe('forwarded');
      expect(await store.stats()).toMatchObject({ total: 3, pending: 1 });
    });

    it('keeps its pending count right when appends and marks interleave', async () => {
      const first = await Promise.all(Array.from({ length: 20 }, () => store.append(makeEvent())));
      // Mark while more appends are in flight: they complete during the mark.
      const more = Array.from({ length: 30 }, () => store.append(makeEvent()));
      await new Promise((r) => setImmediate(r));
      await Promise.all([store.markForwarded(first.map((r) => r.seq)), ...more]);
      expect(await store.stats()).toMatchObject({ total: 50, pending: 30 });
      expect(await store.pending(100)).toHaveLength(30);
    });

    it('keeps data and device sequences across reopen', async () => {
      const e = makeEvent({ deviceName: 'pi' });
      await store.append(e);
      store = await h.reopen(store);
      expect((await store.getById(e.id))?.event).toEqual(e);
      expect((await store.append(makeEvent({ deviceName: 'pi' }))).deviceSeq).toBe(2);
      await expect(store.append(e)).rejects.toBeInstanceOf(DuplicateEventError);
      expect(await store.stats()).toMatchObject({ total: 2, pending: 2 });
    });

    it('lists events newest origin first with device and time filters and paging', async () => {
      const base = 1_700_000_000_000n * NS;
      const evs = [0n, 1n, 2n, 3n, 4n].map((i) =>
        makeEvent({ deviceName: i % 2n ? 'odd' : 'even', originNs: base + i * NS }),
      );
      for (const e of evs) await store.append(e);
      const all = await store.listEvents({ offset: 0, limit: 10 });
      expect(all.totalCount).toBe(5);
      expect(all.events.map((s) => s.event.id)).toEqual([...evs].reverse().map((e) => e.id));
      const even = await store.listEvents({ deviceName: 'even', offset: 1, limit: 1 });
      expect(even).toMatchObject({ totalCount: 3 });
      expect(even.events.map((s) => s.event.id)).toEqual([evs[2]?.id]);
      const range = await store.listEvents({ start: base + NS, end: base + 3n * NS, offset: 0, limit: 10 });
      expect(range.events.map((s) => s.event.id)).toEqual([evs[3]?.id, evs[2]?.id, evs[1]?.id]);
      expect(await store.countEvents()).toBe(5);
      expect(await store.countEvents('odd')).toBe(2);
      expect(await store.countEvents('nobody')).toBe(0);
    });

    it('lists readings by device and by resource name', async () => {
      await store.append(makeEvent({ deviceName: 'a', temperature: 21 }));
      await store.append(makeEvent({ deviceName: 'b', temperature: 22 }));
      const all = await store.listReadings({ offset: 0, limit: 10 });
      expect(all.totalCount).toBe(4);
      const temps = await store.listReadings({ resourceName: 'temperature', offset: 0, limit: 10 });
      expect(temps.totalCount).toBe(2);
      expect(temps.readings.map((r) => r.value).sort()).toEqual(['21', '22']);
      const a = await store.listReadings({ deviceName: 'a', offset: 0, limit: 1 });
      expect(a.totalCount).toBe(2);
      expect(a.readings).toHaveLength(1);
      expect(a.readings[0]?.deviceName).toBe('a');
    });

    it('deletes by origin age without touching pending events unless asked', async () => {
      const old = makeEvent({ originNs: 1_000n * NS });
      const oldPending = makeEvent({ originNs: 1_000n * NS });
      const young = makeEvent({ originNs: 5_000n * NS });
      const r = await store.append(old);
      await store.append(oldPending);
      await store.append(young);
      await store.markForwarded([r.seq]);
      expect(await store.deleteEvents({ originBefore: 2_000n * NS }, false)).toBe(1);
      expect(await store.getById(old.id)).toBeUndefined();
      expect(await store.getById(oldPending.id)).toBeDefined();
      expect(await store.deleteEvents({ originBefore: 2_000n * NS }, true)).toBe(1);
      expect(await store.stats()).toMatchObject({ total: 1, pending: 1 });
      expect((await store.listReadings({ offset: 0, limit: 10 })).totalCount).toBe(2);
    });

    it("deletes one event by id and a device's events, pending ones only when asked", async () => {
      const [a1, a2, b1] = [
        makeEvent({ deviceName: 'a' }),
        makeEvent({ deviceName: 'a' }),
        makeEvent({ deviceName: 'b' }),
      ];
      const r1 = await store.append(a1);
      await store.append(a2);
      await store.append(b1);
      await store.markForwarded([r1.seq]);
      expect(await store.deleteEvents({ id: a2.id }, false)).toBe(0);
      expect(await store.deleteEvents({ id: a2.id }, true)).toBe(1);
      expect(await store.deleteEvents({ deviceName: 'a' }, false)).toBe(1);
      expect(await store.countEvents('a')).toBe(0);
      expect(await store.deleteEvents({ deviceName: 'b' }, false)).toBe(0);
      expect(await store.stats()).toMatchObject({ total: 1, pending: 1 });
    });

    it('filters readings by device and resource together and by their own origin, exactly', async () => {
      // Origins a nanosecond apart, above 2^53 (where doubles step by 256 ns): they must stay apart.
      const base = 1_796_035_551_629_090_001n;
      const evs = [0n, 1n, 2n].map((i) => makeEvent({ deviceName: i === 2n ? 'b' : 'a', originNs: base + i }));
      for (const e of evs) await store.append(e);
      const all = await store.listReadings({ offset: 0, limit: 10 });
      expect(all.readings.map((r) => r.origin)).toEqual([base + 2n, base + 2n, base + 1n, base + 1n, base, base]);
      expect(await store.countReadings({})).toBe(6);
      expect(await store.countReadings({ deviceName: 'a' })).toBe(4);
      expect(await store.countReadings({ deviceName: 'a', resourceName: 'humidity' })).toBe(2);
      const one = await store.listReadings({ start: base + 1n, end: base + 1n, offset: 0, limit: 10 });
      expect(one.readings.map((r) => [r.deviceName, r.origin])).toEqual([
        ['a', base + 1n],
        ['a', base + 1n],
      ]);
      const bTemp = await store.listReadings({
        deviceName: 'b',
        resourceName: 'temperature',
        start: base,
        end: base + 2n,
        offset: 0,
        limit: 10,
      });
      expect(bTemp.readings).toEqual([evs[2]?.readings[0]]);
      const events = await store.listEvents({ start: base + 1n, end: base + 1n, offset: 0, limit: 10 });
      expect(events.events.map((e) => e.event)).toEqual([evs[1]]);
    });

    it('purges forwarded events by age and by cap, never pending ones', async () => {
      const seqs: number[] = [];
      for (let i = 0; i < 10; i++) {
        h.setNow(1_000_000 + i * 1000);
        seqs.push((await store.append(makeEvent())).seq);
      }
      await store.markForwarded(seqs.slice(0, 6));
      const byAge = await store.purge({ forwardedBefore: 1_002_000, maxCap: 0, minCap: 0, maxBytes: 0 });
      expect(byAge).toEqual({ forwarded_age: 2 });
      // 8 left (4 forwarded + 4 pending); cap 5 -> down to 3, but pending events are kept.
      const byCap = await store.purge({ forwardedBefore: 0, maxCap: 5, minCap: 3, maxBytes: 0 });
      expect(byCap).toEqual({ max_cap: 4 });
      expect(await store.stats()).toMatchObject({ total: 4, pending: 4 });
    });

    it('drops the oldest events, pending included, only over the disk budget', async () => {
      const evs = Array.from({ length: 300 }, () => makeEvent());
      await Promise.all(evs.map((e) => store.append(e)));
      const before = await store.stats();
      expect(before.bytes).toBeGreaterThan(0);
      const { droppedIds, ...result } = await store.purge({
        forwardedBefore: 0,
        maxCap: 0,
        minCap: 0,
        maxBytes: before.bytes / 2,
      });
      const dropped = result.disk_budget ?? 0;
      expect(dropped).toBeGreaterThan(0);
      expect(droppedIds).toEqual(evs.slice(0, dropped).map((e) => e.id));
      const after = await store.stats();
      expect(after.total).toBe(300 - dropped);
      expect(after.bytes).toBeLessThanOrEqual(before.bytes / 2);
      // Oldest went first: what is left is the newest, still in order.
      expect((await store.pending(1000)).map((p) => p.event.id)).toEqual(evs.slice(dropped).map((e) => e.id));
    });

    it('reports the oldest pending arrival', async () => {
      expect((await store.stats()).oldestPendingReceivedAt).toBeUndefined();
      h.setNow(5_000);
      const r = await store.append(makeEvent());
      h.setNow(9_000);
      await store.append(makeEvent());
      expect((await store.stats()).oldestPendingReceivedAt).toBe(5_000);
      await store.markForwarded([r.seq]);
      expect((await store.stats()).oldestPendingReceivedAt).toBe(9_000);
    });

    it('answers ping while open', async () => {
      expect(await store.ping()).toBe(true);
    });
  });
}
