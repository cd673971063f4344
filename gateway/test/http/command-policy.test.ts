import { metricValue } from '@hvac-edge/test/support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AS_ADMIN, startTestGateway, type TestGateway } from '../helpers.js';

/** Set-points the gateway queues, whoever asks: a range (commands.min/maxSetpointC) and a per-device rate. */
describe('set-point command policy', () => {
  let gw: TestGateway;
  beforeEach(async () => {
    gw = await startTestGateway({ 'commands.maxPerDevicePerMinute': 3 });
    const add = (path: string, key: string, item: object) =>
      gw.server.inject({ method: 'POST', url: `/api/v3/${path}`, payload: [{ apiVersion: 'v3', [key]: item }] });
    await add('deviceservice', 'service', { name: 'svc', baseAddress: 'http://pi:59999', adminState: 'UNLOCKED' });
    await add('deviceprofile', 'profile', {
      name: 'p',
      deviceResources: [{ name: 'temperature', properties: { valueType: 'Float64', readWrite: 'R' } }],
    });
    for (const name of ['room-1', 'room-2']) {
      const base = { serviceName: 'svc', profileName: 'p', adminState: 'UNLOCKED', operatingState: 'UP' };
      const res = await add('device', 'device', { ...base, name, protocols: { gpio: { pin: '4' } } });
      expect(res.json()[0]).toMatchObject({ statusCode: 201 });
    }
  });
  afterEach(async () => gw.dispose());

  const put = (device: string, body: object) =>
    gw.server.inject({
      method: 'PUT',
      url: `/api/v3/device/name/${device}/setpoint`,
      headers: AS_ADMIN,
      payload: body,
    });
  const commandsOf = async (device: string) =>
    (await gw.server.inject({ method: 'GET', url: `/api/v3/device/name/${device}/commands`, headers: AS_ADMIN })).json()
      .commands as Array<{ id: string; value: number; source: string }>;
  const counted = (source: string, outcome: string) =>
    metricValue(gw.metrics.registry, 'hvac_gateway_commands_total', { source, outcome });

  it('refuses an API set-point outside the range, naming the range and its keys', async () => {
    for (const setpoint of [1e308, -40, 30.01, '1e308']) {
      const res = await put('room-1', { setpoint });
      expect(res.statusCode, String(setpoint)).toBe(400);
      expect(res.json().message).toMatch(/outside \[16, 30\] °C \(commands\.minSetpointC, commands\.maxSetpointC\)/);
    }
    expect((await put('room-1', { setpoint: 'warm' })).json().message).toBe('setpoint must be a number');
    expect((await put('room-1', { setpoint: 30 })).statusCode).toBe(200);
    expect((await commandsOf('room-1')).map((c) => c.value)).toEqual([30]);
    expect(await counted('api', 'out_of_range')).toBe(4);
  });

  it('rate-limits commands per device (429 with Retry-After); replays cost nothing; other devices go on', async () => {
    for (let i = 0; i < 3; i++) {
      expect((await put('room-1', { setpoint: 20 + i, idempotencyKey: `k${i}` })).statusCode).toBe(200);
    }
    // A replay of a queued key is answered as before, over the limit or not.
    expect((await put('room-1', { setpoint: 20, idempotencyKey: 'k0' })).json().message).toBe('already queued');
    const limited = await put('room-1', { setpoint: 25, idempotencyKey: 'k3' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().message).toMatch(
      /room-1 already had 3 commands this minute \(commands\.maxPerDevicePerMinute\)/,
    );
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await put('room-2', { setpoint: 22 })).statusCode).toBe(200);
    expect((await commandsOf('room-1')).map((c) => c.id)).toEqual(['k0', 'k1', 'k2']);
    expect(await counted('api', 'rate_limited')).toBe(1);
    expect(await counted('api', 'duplicate')).toBe(1);
  });

  it('clamps recommendations (Kafka or embedded) into the range and rate-limits them with the API commands', async () => {
    const rec = (key: string, setpoint: number) => ({
      schemaVersion: 1 as const,
      device: 'room-1',
      setpoint,
      model: 'm1',
      idempotencyKey: key,
      issuedAt: Date.now(),
      expiresAt: Date.now() + 60_000,
    });
    expect((await gw.commands.enqueueRecommendation(rec('r1', 1e308), 'kafka')).outcome).toBe('clamped');
    expect((await gw.commands.enqueueRecommendation(rec('r2', -1e308), 'embedded')).outcome).toBe('clamped');
    expect((await put('room-1', { setpoint: 22 })).statusCode).toBe(200);
    expect((await gw.commands.enqueueRecommendation(rec('r3', 24), 'kafka')).outcome).toBe('rate_limited');
    const queued = await commandsOf('room-1');
    expect(queued.map((c) => [c.id, c.value])).toEqual([
      ['r1', 30],
      ['r2', 16],
      [queued[2]?.id, 22],
    ]);
    expect(await counted('kafka', 'clamped')).toBe(1);
    expect(await counted('embedded', 'clamped')).toBe(1);
    expect(await counted('kafka', 'rate_limited')).toBe(1);
  });

  it('refuses a range whose minimum is not below its maximum', async () => {
    await expect(startTestGateway({ 'commands.minSetpointC': 25, 'commands.maxSetpointC': 25 })).rejects.toThrow(
      /commands\.minSetpointC \(25\) must be below commands\.maxSetpointC \(25\)/,
    );
  });
});
