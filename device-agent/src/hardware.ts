import type { Logger } from '@hvac-edge/shared';
import { type Actuator, SimulatedActuator } from './actuation/actuator.js';
import { CharDevGpioActuator } from './actuation/gpio/chardev-actuator.js';
import { type OpenSysfsGpio, onoffOutput, SysfsGpioActuator } from './actuation/gpio/sysfs-actuator.js';
import type { AgentConfig } from './config.js';
import { type Host, localHost } from './platform/host.js';
import {
  charDeviceLine,
  GpioMappingError,
  type PiHardware,
  readPiHardware,
  sysfsNumber,
} from './platform/raspberry-pi.js';
import { builtDhtBackend, type DhtBackend, dhtProblem } from './sensor/dht-backend.js';
import { DhtSensor } from './sensor/dht-sensor.js';
import type { Sensor } from './sensor/sensor.js';
import { SimulatedSensor } from './sensor/simulated-sensor.js';

/** The hardware cannot do what the configuration asks (exit code 3): the message names the fix. */
export class NoGpioError extends Error {
  override readonly name = 'NoGpioError';
}

/** What the agent found of the board it runs on, once at start-up. */
export interface Platform {
  host: Host;
  hw: PiHardware;
  dhtBackend: DhtBackend;
  /** The sysfs GPIO opener (onoff); tests record what it is asked to export. */
  openSysfsGpio?: OpenSysfsGpio;
  gpiosetCommand?: string;
}

export function detectPlatform(host: Host = localHost()): Platform {
  return { host, hw: readPiHardware(host), dhtBackend: builtDhtBackend() };
}

/** A platform, or how to find it: read only when a sensor or relay needs the board (never for simulated ones). */
export type Board = Platform | (() => Platform);
const resolve = (board: Board): Platform => (typeof board === 'function' ? board() : board);

const simulatedHint = (what: 'sensor' | 'actuator') =>
  `without hardware set ${what}.kind: simulated (AGENT_${what.toUpperCase()}_KIND=simulated)`;

function notAPi(what: 'sensor' | 'actuator', kind: string): NoGpioError {
  return new NoGpioError(
    `${what}.kind is ${kind} but this machine is not a Raspberry Pi (no /proc/device-tree/model naming one); ${simulatedHint(what)}; hvac-agent doctor lists what it found`,
  );
}

/**
 * The relay output from config. `gpio` picks the interface the kernel offers: sysfs (onoff) when it exists and
 * shows the SoC's pin controller, else the character device (libgpiod's gpioset); `sysfs` and `chardev` force one.
 * Pins are BCM numbers, mapped here to the running kernel's numbering. GPIO without GPIO is an error, never a
 * silent simulation.
 */
export function createActuator(
  c: Readonly<AgentConfig>,
  log: Logger,
  board: Board = detectPlatform,
): Actuator | undefined {
  const { kind, pin, activeLow } = c.actuator;
  if (kind === 'none') return undefined;
  if (kind === 'simulated') {
    log.warn('SIMULATED actuator in use (actuator.kind: simulated): no relay is switched');
    return new SimulatedActuator();
  }
  const platform = resolve(board);
  const { hw } = platform;
  if (hw.generation === undefined) throw notAPi('actuator', kind);
  try {
    if (kind === 'sysfs' || (kind === 'gpio' && hw.sysfsGpio && hw.sysfsChips.length > 0)) {
      if (!hw.sysfsGpio) throw new GpioMappingError('this kernel has no sysfs GPIO (/sys/class/gpio/export)');
      const n = sysfsNumber(hw, pin);
      log.info({ bcm: pin, sysfs: n }, `relay on BCM ${pin} = sysfs GPIO ${n}`);
      return new SysfsGpioActuator(n, activeLow, platform.openSysfsGpio ?? onoffOutput);
    }
    const line = charDeviceLine(hw, pin);
    log.info({ bcm: pin, ...line }, `relay on BCM ${pin} = ${line.device} line ${line.offset} (gpioset)`);
    return new CharDevGpioActuator(line, activeLow, {
      gpiodVersion: hw.gpiod?.version ?? '1',
      command: platform.gpiosetCommand,
      onError: (err) => log.error({ err: err.message }, 'relay not switched'),
    });
  } catch (err) {
    if (!(err instanceof GpioMappingError)) throw err;
    throw new NoGpioError(`actuator.kind ${kind}, BCM ${pin}: ${err.message}; hvac-agent doctor lists what it found`);
  }
}

/**
 * The sensor from config. A DHT sensor needs a Raspberry Pi and a node-dht-sensor build that can read it (the Pi 5
 * needs the libgpiod one); otherwise an error naming the fix, never a silent simulation.
 */
export function createSensor(
  c: Readonly<AgentConfig>,
  log: Logger,
  board: Board = detectPlatform,
  appliedSetpoint: () => number | undefined = () => undefined,
): Sensor {
  if (c.sensor.kind === 'simulated') {
    log.warn({ seed: c.sensor.seed }, 'SIMULATED sensor in use (sensor.kind: simulated): readings are not measured');
    return new SimulatedSensor(c.sensor.seed, Date.now, appliedSetpoint);
  }
  const platform = resolve(board);
  if (platform.hw.generation === undefined) throw notAPi('sensor', c.sensor.kind);
  const problem = dhtProblem(platform.hw, platform.dhtBackend);
  if (problem) throw new NoGpioError(`sensor.kind ${c.sensor.kind}: ${problem}`);
  return new DhtSensor(c.sensor.kind, c.sensor.pin, c.sensor.readRetries);
}
