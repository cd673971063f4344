import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger } from '@hvac-edge/shared';
import { makeTempDir } from '@hvac-edge/test/support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CharDevGpioActuator } from '../src/actuation/gpio/chardev-actuator.js';
import { loadAgentConfig } from '../src/config.js';
import { runDoctor } from '../src/doctor.js';
import { createActuator, createSensor, NoGpioError, type Platform } from '../src/hardware.js';
import { readPiHardware } from '../src/platform/raspberry-pi.js';
import { builtDhtBackend, type DhtBackend } from '../src/sensor/dht-backend.js';
import { PI_LAYOUTS, type PiLayout, recordedHost } from './support-pi.js';

const silent = createLogger('test', { level: 'silent' });
let dir: string;
let fakeGpioset: string;
const gpiosetLog = () => join(dir, 'gpioset.log');

beforeAll(async () => {
  dir = await makeTempDir('pi');
  // Stands in for libgpiod's gpioset on a board: records its arguments and holds "the line" until signalled.
  fakeGpioset = join(dir, 'gpioset');
  writeFileSync(fakeGpioset, `#!/bin/sh\necho "$$ $*" >> '${gpiosetLog()}'\nexec sleep 600\n`);
  chmodSync(fakeGpioset, 0o755);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function platform(layout: PiLayout, dhtBackend: DhtBackend = 'bcm2835', exported: number[] = []): Platform {
  const host = recordedHost(layout);
  return {
    host,
    hw: readPiHardware(host),
    dhtBackend,
    gpiosetCommand: fakeGpioset,
    openSysfsGpio: (n) => {
      exported.push(n);
      return { writeSync: () => {}, unexport: () => {} };
    },
  };
}

const relayConfig = (kind = 'gpio') => loadAgentConfig({ AGENT_ACTUATOR_KIND: kind, AGENT_ACTUATOR_PIN: '17' });

describe('GPIO numbering on recorded Raspberry Pi layouts', () => {
  it.each([
    ['pi3-6.1', 3, 17],
    ['pi4-6.6', 4, 529],
    ['pi5-6.6', 5, 588],
  ] as const)('%s: the relay on BCM 17 exports the kernel number of that pin', (layout, generation, sysfs) => {
    const exported: number[] = [];
    const p = platform(layout, 'bcm2835', exported);
    expect(p.hw.generation).toBe(generation);
    const actuator = createActuator(relayConfig(), silent, p);
    expect(actuator?.kind).toBe('sysfs');
    expect(exported).toEqual([sysfs]);
  });

  it('without sysfs GPIO the character device is chosen: the SoC chip and the BCM number as the line', async () => {
    const p = platform('pi5-nosysfs');
    expect(p.hw.sysfsGpio).toBe(false);
    const actuator = createActuator(relayConfig(), silent, p) as CharDevGpioActuator;
    expect(actuator.kind).toBe('chardev');
    expect(actuator.line).toEqual({ device: 'gpiochip0', offset: 17 });
    // Forcing sysfs there is refused, naming why.
    expect(() => createActuator(relayConfig('sysfs'), silent, p)).toThrow(/no sysfs GPIO/);
    actuator.set(true);
    actuator.close();
    await actuator.whenApplied();
  });

  it('gpioset holds each level, one process at a time, with the libgpiod 1.x and 2.x syntax', async () => {
    writeFileSync(gpiosetLog(), '');
    const errors: Error[] = [];
    const relay = (version: string) =>
      new CharDevGpioActuator({ device: 'gpiochip4', offset: 17 }, true, {
        gpiodVersion: version,
        command: fakeGpioset,
        onError: (e) => errors.push(e),
      });
    const v1 = relay('1.6.3');
    v1.set(true);
    await v1.whenApplied();
    const live = readFileSync(gpiosetLog(), 'utf8').trim().split('\n');
    expect(live.map((l) => l.split(' ').slice(1).join(' '))).toEqual([
      '--mode=signal gpiochip4 17=1', // active low: off is high
      '--mode=signal gpiochip4 17=0',
    ]);
    // The first holder is gone before the second took the line.
    expect(() => process.kill(Number(live[0]?.split(' ')[0]), 0)).toThrow();
    v1.close();
    await v1.whenApplied();
    const v2 = relay('2.1');
    v2.close();
    await v2.whenApplied();
    expect(readFileSync(gpiosetLog(), 'utf8')).toMatch(/--chip gpiochip4 17=1\n$/);
    const pids = readFileSync(gpiosetLog(), 'utf8')
      .trim()
      .split('\n')
      .map((l) => Number(l.split(' ')[0]));
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    expect(errors).toEqual([]);
  });

  it("a gpioset that cannot take the line is reported with libgpiod's own message", async () => {
    const errors: Error[] = [];
    // The real tool (Debian's gpiod package) on a chip this machine does not have.
    const relay = new CharDevGpioActuator({ device: 'gpiochip99', offset: 17 }, false, {
      gpiodVersion: '1.6.3',
      onError: (e) => errors.push(e),
    });
    await relay.whenApplied();
    expect(errors[0]?.message).toMatch(
      /^gpioset --mode=signal gpiochip99 17=0 failed: gpioset: error setting the GPIO line values: No such file/,
    );
  });
});

describe('the DHT22 on every Pi', () => {
  it("the suite's own build is the BCM2835 backend; a Pi 5 with it is refused, naming the rebuild", () => {
    expect(builtDhtBackend()).toBe('bcm2835');
    const c = loadAgentConfig({});
    expect(() => createSensor(c, silent, platform('pi4-6.6'))).not.toThrow();
    expect(() => createSensor(c, silent, platform('pi5-6.6'))).toThrow(NoGpioError);
    expect(() => createSensor(c, silent, platform('pi5-6.6'))).toThrow(/RP1.*use_libgpiod=true/);
  });
});

describe('hvac-agent doctor on recorded layouts', () => {
  const config = loadAgentConfig({ AGENT_ACTUATOR_KIND: 'gpio', AGENT_ACTUATOR_PIN: '17' });
  const member = { uid: 1000, gids: [997] };
  const report = async (layout: PiLayout, backend: DhtBackend = 'bcm2835', identity = member) =>
    Object.fromEntries(
      (await runDoctor(config, platform(layout, backend), { identity })).map((f) => [
        f.check,
        `${f.status}: ${f.detail}`,
      ]),
    );

  it.each(PI_LAYOUTS)('%s: board, kernel, chips, numbering and backend as recorded', async (layout) => {
    const r = await report(layout);
    expect(r.board).toMatch(/^ok: Raspberry Pi/);
    expect(r.clock).toBe('ok: NTP synchronised');
    expect(r['gpio group']).toMatch(/^ok/);
    const expected: Record<PiLayout, { relay: RegExp; dht: RegExp; sysfs: RegExp }> = {
      'pi3-6.1': { relay: /BCM 17 → sysfs GPIO 17$/, dht: /^ok/, sysfs: /pinctrl-bcm2835 base 0 \(54 lines\) ←/ },
      'pi4-6.6': { relay: /BCM 17 → sysfs GPIO 529$/, dht: /^ok/, sysfs: /pinctrl-bcm2711 base 512/ },
      'pi5-6.6': { relay: /BCM 17 → sysfs GPIO 588$/, dht: /^fail: .*RP1.*libgpiod/, sysfs: /pinctrl-rp1 base 571/ },
      'pi5-nosysfs': {
        relay: /BCM 17 → gpiochip0 line 17 \(gpioset\)$/,
        dht: /^fail: .*libgpiod/,
        sysfs: /^ok: absent/,
      },
    };
    expect(r['relay pin']).toMatch(expected[layout].relay);
    expect(r['dht backend']).toMatch(expected[layout].dht);
    expect(r['sysfs gpio']).toMatch(expected[layout].sysfs);
  });

  it('a Pi 5 with the libgpiod build: fine once the RP1 is gpiochip0, told to update the kernel before', async () => {
    expect((await report('pi5-nosysfs', 'libgpiod'))['dht backend']).toBe('ok: node-dht-sensor built with libgpiod');
    expect((await report('pi5-6.6', 'libgpiod'))['dht backend']).toMatch(
      /fail: .*gpiochip0, which on this kernel is gpio-brcmstb@107d508500.*update the kernel/,
    );
  });

  it('an agent user outside the gpio group fails, with the fix', async () => {
    const r = await report('pi4-6.6', 'bcm2835', { uid: 1000, gids: [1000] });
    expect(r['gpio group']).toMatch(/^fail: .*usermod -aG gpio/);
  });
});
