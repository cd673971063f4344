import type { Host } from './host.js';

/** A GPIO chip as the legacy sysfs interface shows it (`/sys/class/gpio/gpiochip<base>`). */
export interface SysfsChip {
  base: number;
  ngpio: number;
  label: string;
}

/** A GPIO chip as the character device shows it (`gpiodetect`: `gpiochip0 [pinctrl-bcm2711] (58 lines)`). */
export interface CharChip {
  device: string;
  label: string;
  lines: number;
}

export interface PiHardware {
  /** `/proc/device-tree/model`, e.g. "Raspberry Pi 4 Model B Rev 1.4"; undefined off a device-tree machine. */
  model: string | undefined;
  /** 1–5 from the model (a Pi 400 is a 4, a Zero 2 W a 3); undefined when not a Raspberry Pi. */
  generation: number | undefined;
  kernel: string | undefined;
  /** Whether the deprecated sysfs GPIO interface exists (`/sys/class/gpio/export`). */
  sysfsGpio: boolean;
  sysfsChips: SysfsChip[];
  /** `/dev/gpiochip*`. */
  charDevices: string[];
  /** libgpiod's tools: their version and the chips they list; undefined when not installed. */
  gpiod: { version: string; chips: CharChip[] } | undefined;
}

/**
 * The pin controllers of the SoCs whose lines are the 40-pin header's BCM numbers: BCM2835/6/7 (Pi 1–3, Zero),
 * BCM2711 (Pi 4, 400, CM4), and RP1 (Pi 5, 500, CM5). Line n of this chip is BCM pin n on every model.
 */
export const SOC_PIN_CONTROLLERS = ['pinctrl-bcm2835', 'pinctrl-bcm2711', 'pinctrl-rp1'] as const;

export function piGeneration(model: string | undefined): number | undefined {
  if (!model?.startsWith('Raspberry Pi')) return undefined;
  if (/Zero 2/.test(model)) return 3;
  if (/Zero/.test(model)) return 1;
  const n = /Raspberry Pi (?:Compute Module )?(\d)/.exec(model)?.[1];
  return n === undefined ? 1 : Number(n);
}

function parseGpiodetect(out: string): CharChip[] {
  const chips: CharChip[] = [];
  for (const line of out.split('\n')) {
    const m = /^(gpiochip\d+) \[([^\]]*)\] \((\d+) lines?\)/.exec(line.trim());
    if (m) chips.push({ device: m[1] as string, label: m[2] as string, lines: Number(m[3]) });
  }
  return chips;
}

export function readPiHardware(host: Host): PiHardware {
  const model = host.read('proc/device-tree/model')?.replace(/\0/g, '').trim() || undefined;
  const sysfsChips: SysfsChip[] = [];
  for (const name of host.list('sys/class/gpio').filter((n) => /^gpiochip\d+$/.test(n))) {
    const base = Number(host.read(`sys/class/gpio/${name}/base`));
    const ngpio = Number(host.read(`sys/class/gpio/${name}/ngpio`));
    const label = host.read(`sys/class/gpio/${name}/label`)?.trim() ?? '';
    if (Number.isInteger(base) && Number.isInteger(ngpio)) sysfsChips.push({ base, ngpio, label });
  }
  const version = host.run('gpiodetect', ['--version']);
  const detected = version === undefined ? undefined : host.run('gpiodetect', []);
  return {
    model,
    generation: piGeneration(model),
    kernel: host.read('proc/sys/kernel/osrelease')?.trim() || undefined,
    // export is write-only: its presence is the finding.
    sysfsGpio: host.exists('sys/class/gpio/export'),
    sysfsChips: sysfsChips.sort((a, b) => a.base - b.base),
    charDevices: host.list('dev').filter((n) => /^gpiochip\d+$/.test(n)),
    gpiod:
      version === undefined
        ? undefined
        : { version: /\(libgpiod\) v([\d.]+)/.exec(version)?.[1] ?? 'unknown', chips: parseGpiodetect(detected ?? '') },
  };
}

const isSoc = (label: string) => (SOC_PIN_CONTROLLERS as readonly string[]).includes(label);

export class GpioMappingError extends Error {
  override readonly name = 'GpioMappingError';
}

/**
 * The sysfs number of a BCM pin on the running kernel: the SoC pin controller's base plus the pin. Kernels before
 * 6.6 (Raspberry Pi OS) gave that chip base 0; since then bases are allocated from 512 and differ by model, so a
 * fixed number exports the wrong line or fails with EINVAL.
 */
export function sysfsNumber(hw: PiHardware, bcm: number): number {
  const chip = hw.sysfsChips.find((c) => isSoc(c.label));
  if (!chip) {
    const seen = hw.sysfsChips.map((c) => `${c.label || '?'}@${c.base}`).join(', ') || 'none';
    throw new GpioMappingError(
      `no Raspberry Pi pin controller (${SOC_PIN_CONTROLLERS.join(', ')}) among the sysfs GPIO chips (${seen})`,
    );
  }
  if (bcm >= chip.ngpio) throw new GpioMappingError(`BCM ${bcm} is beyond ${chip.label}'s ${chip.ngpio} lines`);
  return chip.base + bcm;
}

/** The character device and line of a BCM pin: the SoC pin controller's chip, line = the BCM number. */
export function charDeviceLine(hw: PiHardware, bcm: number): { device: string; offset: number } {
  const chip = hw.gpiod?.chips.find((c) => isSoc(c.label));
  if (!chip) {
    const seen = hw.gpiod?.chips.map((c) => `${c.device} [${c.label}]`).join(', ') || 'none';
    throw new GpioMappingError(
      hw.gpiod
        ? `no Raspberry Pi pin controller among the GPIO character devices (${seen})`
        : 'libgpiod tools not installed (sudo apt-get install gpiod)',
    );
  }
  if (bcm >= chip.lines) throw new GpioMappingError(`BCM ${bcm} is beyond ${chip.label}'s ${chip.lines} lines`);
  return { device: chip.device, offset: bcm };
}
