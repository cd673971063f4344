import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PiHardware } from '../platform/raspberry-pi.js';

/**
 * How node-dht-sensor was built: its BCM2835 backend (memory-mapped GPIO, Pi 1–4) or libgpiod (the character
 * device, needed on the Pi 5's RP1), told by whether the addon calls libgpiod.
 */
export type DhtBackend = 'bcm2835' | 'libgpiod' | 'not built';

export function builtDhtBackend(addonPath = defaultAddonPath()): DhtBackend {
  let addon: Buffer;
  try {
    addon = readFileSync(addonPath);
  } catch {
    return 'not built';
  }
  return addon.includes('gpiod_chip_open_by_name') ? 'libgpiod' : 'bcm2835';
}

function defaultAddonPath(): string {
  const pkg = createRequire(import.meta.url).resolve('node-dht-sensor/package.json');
  return join(dirname(pkg), 'build', 'Release', 'node_dht_sensor.node');
}

/** The command that rebuilds node-dht-sensor with libgpiod (deploy/raspberry-pi/install.sh runs it). */
export const LIBGPIOD_REBUILD =
  'sudo apt-get install -y libgpiod-dev && npm_config_use_libgpiod=true npx -y pnpm@10.34.9 --filter @hvac-edge/device-agent rebuild node-dht-sensor';

/**
 * Why a DHT read cannot work with this build on this board, or undefined. node-dht-sensor (0.4.x) takes the libgpiod
 * path only when built with it and /proc/cpuinfo names a "Raspberry Pi <n>" with n > 4, and then opens gpiochip0:
 * on a Pi 5 that must be the RP1 (kernels from mid-2024 on; earlier ones numbered it gpiochip4).
 */
export function dhtProblem(hw: PiHardware, backend: DhtBackend): string | undefined {
  if (backend === 'not built') return `node-dht-sensor is not built; run: ${LIBGPIOD_REBUILD.split(' && ')[1]}`;
  if ((hw.generation ?? 0) < 5) return undefined;
  if (backend !== 'libgpiod') {
    return `${hw.model} has the RP1 GPIO controller, which node-dht-sensor's BCM2835 backend cannot read; rebuild it with libgpiod: ${LIBGPIOD_REBUILD}`;
  }
  if (!/^Raspberry Pi \d/.test(hw.model ?? '')) {
    return `node-dht-sensor recognises a Pi 5 only by a model named "Raspberry Pi <n>"; "${hw.model}" would be read through the BCM2835 backend and fail`;
  }
  const chip0 = hw.gpiod?.chips.find((c) => c.device === 'gpiochip0');
  if (chip0 && chip0.label !== 'pinctrl-rp1') {
    return `node-dht-sensor opens gpiochip0, which on this kernel is ${chip0.label}, not the RP1 (pinctrl-rp1); update the kernel (sudo apt full-upgrade) so that the RP1 is gpiochip0`;
  }
  return undefined;
}
