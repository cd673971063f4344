import type { AgentConfig } from './config.js';
import type { Platform } from './hardware.js';
import { charDeviceLine, SOC_PIN_CONTROLLERS, sysfsNumber } from './platform/raspberry-pi.js';
import { dhtProblem } from './sensor/dht-backend.js';

export type Status = 'ok' | 'warn' | 'fail';
export interface Finding {
  check: string;
  status: Status;
  detail: string;
}

export interface DoctorDeps {
  /** Whether the gateway answers its ping; undefined when not asked (offline checks). */
  gatewayReachable?: () => Promise<string | undefined>;
  /** The agent's identity, for the permission checks (default: this process). */
  identity?: { uid: number; gids: number[] };
}

/**
 * `hvac-agent doctor`: what the agent finds of the board it runs on, each line OK or the problem and its fix. A
 * check that cannot matter for the configuration (the relay's interface with no relay) is not a failure.
 */
export async function runDoctor(c: Readonly<AgentConfig>, p: Platform, deps: DoctorDeps = {}): Promise<Finding[]> {
  const out: Finding[] = [];
  const add = (check: string, status: Status, detail: string) => out.push({ check, status, detail });
  const { hw, host } = p;
  const dht = c.sensor.kind !== 'simulated';
  const relay = ['gpio', 'sysfs', 'chardev'].includes(c.actuator.kind);
  const needsBoard = dht || relay;

  if (hw.generation === undefined) {
    add(
      'board',
      needsBoard ? 'fail' : 'ok',
      `not a Raspberry Pi (${hw.model ?? 'no device-tree model'})${needsBoard ? '; set sensor.kind/actuator.kind: simulated to run without hardware' : ''}`,
    );
  } else add('board', 'ok', `${hw.model} (generation ${hw.generation})`);
  add('kernel', 'ok', hw.kernel ?? 'unknown');

  const soc = (label: string) => (SOC_PIN_CONTROLLERS as readonly string[]).includes(label);
  const sysfsChips = hw.sysfsChips.map(
    (c) => `${c.label || '?'} base ${c.base} (${c.ngpio} lines)${soc(c.label) ? ' ←' : ''}`,
  );
  add(
    'sysfs gpio',
    hw.sysfsGpio ? 'ok' : relay && c.actuator.kind === 'sysfs' ? 'fail' : 'ok',
    hw.sysfsGpio
      ? `present: ${sysfsChips.join('; ') || 'no chips'}`
      : `absent (kernel without CONFIG_GPIO_SYSFS)${relay ? '; the relay uses the character device' : ''}`,
  );
  const chardevNeeded = relay && (c.actuator.kind === 'chardev' || (c.actuator.kind === 'gpio' && !hw.sysfsGpio));
  if (hw.gpiod) {
    const chips = hw.gpiod.chips.map((ch) => `${ch.device} [${ch.label}]${soc(ch.label) ? ' ←' : ''}`);
    add('libgpiod', 'ok', `tools v${hw.gpiod.version}: ${chips.join(', ') || 'no chips'}`);
  } else {
    add(
      'libgpiod',
      chardevNeeded ? 'fail' : 'warn',
      `tools not installed (${hw.charDevices.join(', ') || 'no /dev/gpiochip*'}); fix: sudo apt-get install gpiod`,
    );
  }

  if (dht) {
    const problem = hw.generation === undefined ? undefined : dhtProblem(hw, p.dhtBackend);
    add('dht backend', problem ? 'fail' : 'ok', problem ?? `node-dht-sensor built with ${p.dhtBackend}`);
    add('sensor pin', 'ok', `BCM ${c.sensor.pin} (node-dht-sensor takes BCM numbers on every kernel)`);
  }
  if (relay && hw.generation !== undefined) {
    const pin = c.actuator.pin;
    try {
      if (!chardevNeeded && hw.sysfsGpio) add('relay pin', 'ok', `BCM ${pin} → sysfs GPIO ${sysfsNumber(hw, pin)}`);
      else {
        const line = charDeviceLine(hw, pin);
        add('relay pin', 'ok', `BCM ${pin} → ${line.device} line ${line.offset} (gpioset)`);
      }
    } catch (err) {
      add('relay pin', 'fail', (err as Error).message);
    }
  }

  if (needsBoard && hw.generation !== undefined) permissions(c, p, deps, add, chardevNeeded);
  const synced = host.run('timedatectl', ['show', '--property=NTPSynchronized', '--value'])?.trim();
  add(
    'clock',
    synced === 'yes' ? 'ok' : 'warn',
    synced === 'yes'
      ? 'NTP synchronised'
      : `not known to be NTP synchronised (${synced ?? 'no timedatectl'}); readings wait for it (clock.trust)`,
  );
  if (deps.gatewayReachable) {
    const problem = await deps.gatewayReachable();
    add(
      'gateway',
      problem ? 'fail' : 'ok',
      problem ? `${c.gateway.url}: ${problem}; check gateway.url and gateway.token` : `${c.gateway.url} answers`,
    );
  }
  return out;
}

function permissions(
  c: Readonly<AgentConfig>,
  { hw, host, dhtBackend }: Platform,
  deps: DoctorDeps,
  add: (check: string, status: Status, detail: string) => void,
  chardev: boolean,
): void {
  const id = deps.identity ?? { uid: process.getuid?.() ?? 0, gids: process.getgroups?.() ?? [] };
  const gpioGid = /^gpio:[^:]*:(\d+):/m.exec(host.read('etc/group') ?? '')?.[1];
  if (id.uid === 0) add('gpio group', 'ok', 'running as root');
  else if (gpioGid === undefined)
    add('gpio group', 'warn', 'no gpio group on this system (udev rules give device access)');
  else if (id.gids.includes(Number(gpioGid))) add('gpio group', 'ok', 'the agent user is in the gpio group');
  else
    add(
      'gpio group',
      'fail',
      'the agent user is not in the gpio group; fix: sudo usermod -aG gpio <user>, then log in again',
    );

  const nodes: string[] = [];
  if (c.sensor.kind !== 'simulated') {
    if (dhtBackend === 'libgpiod' && (hw.generation ?? 0) >= 5) nodes.push('dev/gpiochip0');
    else nodes.push('dev/gpiomem');
  }
  if (chardev) {
    const device = hw.gpiod?.chips.find((ch) => (SOC_PIN_CONTROLLERS as readonly string[]).includes(ch.label))?.device;
    if (device) nodes.push(`dev/${device}`);
  } else if (c.actuator.kind !== 'none' && c.actuator.kind !== 'simulated') nodes.push('sys/class/gpio/export');
  for (const node of [...new Set(nodes)]) {
    if (!host.exists(node)) add('access', 'fail', `/${node} does not exist`);
    else if (id.uid !== 0 && !host.writable(node))
      add('access', 'fail', `/${node} is not writable by the agent user (gpio group?)`);
    else add('access', 'ok', `/${node}`);
  }
}

export function formatFindings(findings: Finding[]): string {
  const width = Math.max(...findings.map((f) => f.check.length));
  return findings.map((f) => `${f.status.toUpperCase().padEnd(4)}  ${f.check.padEnd(width)}  ${f.detail}`).join('\n');
}
