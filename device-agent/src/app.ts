import type { Logger } from '@hvac-edge/shared';
import { Agent } from './agent.js';
import type { AgentConfig } from './config.js';
import { Outbox } from './outbox/outbox.js';
import { DhtSensor, gpioAvailable } from './sensor/dht-sensor.js';
import type { Sensor } from './sensor/sensor.js';
import { SimulatedSensor } from './sensor/simulated-sensor.js';
import { HttpTransport } from './transport/http-transport.js';

export class NoGpioError extends Error {
  constructor(kind: string) {
    super(
      `sensor.kind is ${kind} but this machine has no GPIO (onoff reports Gpio.accessible = false).\n` +
        '  On a Raspberry Pi: check that /dev/gpiomem exists and that the agent user is in the gpio group.\n' +
        '  Without hardware: set sensor.kind: simulated in the config file (or AGENT_SENSOR_KIND=simulated).',
    );
  }
}

/** Picks the sensor from config; a DHT sensor without GPIO is an error, never a silent simulation. */
export function createSensor(c: Readonly<AgentConfig>, log: Logger, hasGpio = gpioAvailable()): Sensor {
  if (c.sensor.kind === 'simulated') {
    log.warn({ seed: c.sensor.seed }, 'SIMULATED sensor in use (sensor.kind: simulated): readings are not measured');
    return new SimulatedSensor(c.sensor.seed);
  }
  if (!hasGpio) throw new NoGpioError(c.sensor.kind);
  return new DhtSensor(c.sensor.kind, c.sensor.pin, c.sensor.readRetries);
}

/** The agent's wiring: sensor, outbox, transport. */
export function createAgent(c: Readonly<AgentConfig>, log: Logger, sensor = createSensor(c, log)) {
  let agent: Agent | undefined;
  const outbox = new Outbox(c.outbox.path, c.outbox.maxBytes, (n) => {
    if (agent) agent.stats.dropped += n;
    log.error({ dropped: n, maxBytes: c.outbox.maxBytes }, 'outbox over its disk budget: dropped the oldest readings');
  });
  const transport = new HttpTransport({
    baseUrl: c.gateway.url,
    token: c.gateway.token,
    timeoutMs: c.gateway.timeoutMs,
  });
  agent = new Agent(c, sensor, outbox, transport, log.child({ module: 'agent' }));
  return {
    agent,
    outbox,
    transport,
    async stop() {
      await agent?.stop();
      outbox.close();
    },
  };
}
