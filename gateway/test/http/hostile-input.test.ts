import { stringifyEdgex } from '@hvac-edge/shared';
import { makeAddEventRequest } from '@hvac-edge/test/support';
import { encode as encodeCbor } from 'cborg';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers.js';

const url = (e: { profileName: string; deviceName: string; sourceName: string }) =>
  `/api/v3/event/svc/${e.profileName}/${e.deviceName}/${e.sourceName}`;

/** Requests an attacker on the same network would send, each small on the wire, each answered 400 fast. */
describe('hostile requests to the event API', () => {
  let gw: TestGateway;
  afterEach(async () => gw.dispose());

  const postJson = (body: string, e = makeAddEventRequest().event) =>
    gw.server.inject({ method: 'POST', url: url(e), headers: { 'content-type': 'application/json' }, payload: body });
  const postCbor = (body: Uint8Array, e = makeAddEventRequest().event) =>
    gw.server.inject({
      method: 'POST',
      url: url(e),
      headers: { 'content-type': 'application/cbor' },
      payload: Buffer.from(body),
    });

  it('refuses CBOR value sharing and every other tag: nothing expands on decode, nothing is stored', async () => {
    gw = await startTestGateway();
    const rss0 = process.memoryUsage().rss;
    // tag 28 marks a shareable value, tag 29 refers back to it: 200 references to a 200-element array of references
    // would decode to 200^n values from a few hundred bytes.
    const shared = [0xd8, 0x1c, 0x98, 0xc8, ...Array(200).fill(0x01)];
    const refs = [0x98, 0xc8, ...Array(200).fill([0xd8, 0x1d, 0x00]).flat()];
    const bomb = Uint8Array.from([0xa2, 0x61, 0x61, ...shared, 0x61, 0x62, ...refs]);
    const res = await postCbor(bomb);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/body is not valid CBOR: .*tag/i);
    const dateTag = Uint8Array.from([0xc1, 0x1a, 0x65, 0x00, 0x00, 0x00]); // tag 1 (epoch time)
    expect((await postCbor(dateTag)).statusCode).toBe(400);
    expect(await gw.store.countEvents()).toBe(0);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(64 * 1024 * 1024);
    // The same request without tags is stored.
    expect((await postCbor(encodeCbor(makeAddEventRequest()))).statusCode).toBe(201);
  });

  it('refuses a value longer than limits.maxStringLength, and parses one let through in linear time', async () => {
    gw = await startTestGateway({ 'http.bodyLimitBytes': 2_000_000 });
    const req = makeAddEventRequest();
    (req.event.readings[0] as { value: string }).value = `${'1'.repeat(250_000)}x`;
    const res = await postJson(stringifyEdgex(req), req.event);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/string of 250001 characters; the limit is 16384/);
    await gw.dispose();
    gw = await startTestGateway({
      'http.bodyLimitBytes': 2_000_000,
      'limits.maxStringLength': 1_000_000,
      'limits.maxEventBytes': 2_000_000,
    });
    const t0 = performance.now();
    const slow = await postJson(stringifyEdgex(req), req.event);
    expect(performance.now() - t0).toBeLessThan(1000); // 36 s with the backtracking value regex
    expect(slow.statusCode).toBe(400);
    expect(slow.json().message).toMatch(/readings\[0\]\.value .*Float64/);
  });

  it('refuses origins outside the window (1e19 ns, before 2000, a day ahead) with the window in the message', async () => {
    gw = await startTestGateway();
    for (const origin of [
      '10000000000000000000',
      '9223372036854775807',
      '1',
      String(BigInt(Date.now() + 2 * 86_400_000) * 1_000_000n),
    ]) {
      const req = makeAddEventRequest();
      const body = stringifyEdgex(req).replace(/"origin":\d+/, `"origin":${origin}`);
      const res = await postJson(body, req.event);
      expect(res.statusCode, origin).toBe(400);
      expect(res.json().message, origin).toMatch(
        /event\.origin .* is outside the accepted window 2000-01-01T00:00:00\.000Z \.\. |must be an integer from 1 to 2\^63-1/,
      );
    }
    expect(await gw.store.countEvents()).toBe(0);
  });

  it('refuses an objectValue nested past limits.maxDepth; stored readings stay queryable', async () => {
    gw = await startTestGateway();
    const ok = makeAddEventRequest();
    expect((await postJson(stringifyEdgex(ok), ok.event)).statusCode).toBe(201);
    const req = makeAddEventRequest();
    const reading = req.event.readings[0] as Record<string, unknown>;
    delete reading.value;
    reading.valueType = 'Object';
    reading.objectValue = {};
    const deep = `${'{"a":'.repeat(1500)}1${'}'.repeat(1500)}`;
    const body = stringifyEdgex(req).replace('"objectValue":{}', `"objectValue":${deep}`);
    const res = await postJson(body, req.event);
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/nested deeper than 32 levels/);
    const readings = await gw.server.inject({ method: 'GET', url: '/api/v3/reading/all?limit=10' });
    expect(readings.statusCode).toBe(200);
    expect(readings.json().readings).toHaveLength(2);
  });

  it('refuses 1 MB of nested CBOR arrays and JSON brackets within a second, as a 400', async () => {
    gw = await startTestGateway({ 'http.bodyLimitBytes': 2_000_000 });
    for (const send of [() => postCbor(new Uint8Array(1 << 20).fill(0x81)), () => postJson('['.repeat(1 << 20))]) {
      const t0 = performance.now();
      const res = await send();
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(res.statusCode).toBe(400);
    }
    const deepJson = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const res = await postJson(deepJson);
    expect(res.statusCode).toBe(400);
    expect((await gw.server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('refuses too many readings and tags, naming the limit and its count', async () => {
    gw = await startTestGateway();
    const req = makeAddEventRequest();
    const r0 = req.event.readings[0] as object;
    req.event.readings = Array.from({ length: 300 }, () => ({ ...r0 })) as typeof req.event.readings;
    const many = await postJson(stringifyEdgex(req), req.event);
    expect(many.statusCode).toBe(400);
    expect(many.json().message).toMatch(/readings has 300 readings; the limit is 256/);
    const tagged = makeAddEventRequest();
    tagged.event.tags = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`t${i}`, 'x']));
    const tags = await postJson(stringifyEdgex(tagged), tagged.event);
    expect(tags.statusCode).toBe(400);
    expect(tags.json().message).toMatch(/tags has 65 keys; the limit is 64/);
  });
});
